"""Tenancy: a repository's team comes from where the farm puts it, and a job runs only on its
team's templates and the shared ones, in the label binding, in Jenkins' labels and in the
provisioner."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm, FarmError, LabelExpression, parse_label_string
from jenkins_docker_sdk.errors import LabelResolutionError
from jenkins_docker_sdk.labels import tenancy
from jenkins_docker_sdk.model import AgentTemplate, Tenancy
from jenkins_docker_sdk.provisioning import ProvisionerSettings, SlaveProvisioner, StaticBackend
from jenkins_docker_sdk.provisioning.backends import DockerHost
from jenkins_docker_sdk.reading import team_of

AGENT = 'FROM jenkins/inbound-agent:3283.v92c105e0f819-1-jdk17\nLABEL io.jenkins.agent.labels="{labels}"\n'


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def job(name: str, label: str, *, credentials: str | None = None) -> str:
    text = f"  - name: {name}\n    label: {label}\n    steps: [make]\n"
    if credentials:
        text += f"    credentials:\n      - {{id: {credentials}, type: string, variable: TOKEN}}\n"
    return text


def test_a_repository_belongs_to_its_first_folder_or_the_longest_path_of_the_farm() -> None:
    tenancy = Tenancy(paths=(("vendor", "teamA"), ("vendor/acme/web", "teamB")))
    assert team_of(tenancy, Path("teamC/app")) == (
        "teamC",
        "the first folder of its path under the farm root",
    )
    assert team_of(tenancy, Path("vendor/tools"))[0] == "teamA"
    assert team_of(tenancy, Path("vendor/acme/web/ui")) == (
        "teamB",
        "farm.yml tenancy.paths 'vendor/acme/web'",
    )
    assert team_of(tenancy, Path("vendorx/app"))[0] == "vendorx"  # whole folders, not text prefixes


def test_a_manifest_may_restate_its_team_and_farm_yml_may_move_a_repository(tmp_path: Path) -> None:
    farm = Farm.from_path(
        write(
            tmp_path,
            {
                "farm.yml": "tenancy:\n  paths: [{path: vendor/acme, team: teamB}]\n",
                "teamA/app/jenkins-docker.yml": "team: teamA\njobs:\n" + job("build", "linux"),
                "teamA/app/Dockerfile": AGENT.format(labels="linux"),
                "vendor/acme/jenkins-docker.yml": "jobs:\n" + job("build", "linux"),
                "vendor/acme/Dockerfile": AGENT.format(labels="linux"),
            },
        )
    )
    assert [(repo.path, repo.team) for repo in farm.repos] == [
        (Path("teamA/app"), "teamA"),
        (Path("vendor/acme"), "teamB"),
    ]
    assert {job: [t.name for t in found] for job, found in farm.bindings.items()} == {
        "teamA/build": ["teamA-app"],
        "teamB/build": ["teamB-acme"],
    }


def _two_teams(tmp_path: Path, farm_yml: str = "", *, credentials: bool = True) -> Path:
    return write(
        tmp_path,
        {
            "farm.yml": farm_yml,
            "teamA/java/Dockerfile": AGENT.format(labels="linux java"),
            "teamB/app/jenkins-docker.yml": "credentials:\n  - {id: b-secret, type: string}\njobs:\n"
            + job("build", "linux && java", credentials="b-secret" if credentials else None),
        },
    )


def test_a_job_never_binds_to_another_teams_template(tmp_path: Path) -> None:
    with pytest.raises(FarmError, match="only templates of other teams serve 'linux && java': teamA-java"):
        Farm.from_path(_two_teams(tmp_path))


def test_a_shared_template_serves_every_team(tmp_path: Path) -> None:
    farm = Farm.from_path(_two_teams(tmp_path, "tenancy: {shared_templates: [teamA-java]}\n"))
    assert farm.bindings["teamB/build"] == farm.templates  # teamA-java, the only one
    (template,) = farm.templates
    assert template.shared
    assert {"team=teamA", "team=teamB"} <= template.labels


def test_isolation_credentials_holds_only_jobs_that_bind_credentials(tmp_path: Path) -> None:
    open_farm = "tenancy: {isolation: credentials}\n"
    farm = Farm.from_path(_two_teams(tmp_path / "plain", open_farm, credentials=False))
    assert farm.bindings["teamB/build"] == farm.templates  # teamA-java, the only one
    assert str(farm.jobs[0].label) == "linux && java"
    with pytest.raises(FarmError, match="only templates of other teams serve"):
        Farm.from_path(_two_teams(tmp_path / "bound", open_farm, credentials=True))


def test_jenkins_binds_the_example_farm_exactly_as_the_tenancy_rule_says(example_farm: Farm) -> None:
    """Read back as Jenkins reads them, each job's label matches a template's labelString iff
    the template may serve the job's team and carries what the job asked for."""
    for job in example_farm.jobs:
        expression = LabelExpression.parse(str(job.label))  # the Jenkinsfile's text
        asked = tenancy.without_team(expression)
        assert asked is not None, job.full_name  # every job of the example farm is isolated
        for template in example_farm.templates:
            jenkins_labels = parse_label_string(template.label_string)
            own = {label for label in jenkins_labels if not label.startswith("team=")}
            expected = tenancy.may_serve(template, job.team) and asked.matches(own)
            assert expression.matches(jenkins_labels) == expected, (job.full_name, template.name)


def test_the_team_atom_leads_a_chain_of_ands_and_can_be_taken_back() -> None:
    for text, team, written in (
        ("linux && java", "b", "team=b && linux && java"),
        ("linux || mac", "b", "team=b && (linux || mac)"),
        ("gpu", "b", "team=b && gpu"),
    ):
        expression = LabelExpression.parse(text)
        combined = tenancy.with_team(expression, team)
        assert str(combined) == written
        assert LabelExpression.parse(written) == combined
        assert tenancy.without_team(combined) == expression
        assert tenancy.requested_team(combined) == team
    assert tenancy.without_team(LabelExpression.parse("linux && java")) is None
    assert tenancy.requested_team(LabelExpression.parse("team=a && team=b && x")) is None


def _provisioner(*templates: AgentTemplate, isolation: str = "all") -> SlaveProvisioner:
    host = DockerHost.from_url("unix:///nonexistent.sock")
    return SlaveProvisioner(
        templates=templates,
        backend=StaticBackend(fixed=[host]),
        jenkins=None,  # type: ignore[arg-type]  # choosing a template asks nobody
        settings=ProvisionerSettings(farm_id="t", isolation=isolation),  # type: ignore[arg-type]
    )


def _template(name: str, team: str, labels: set[str], *, shared: bool = False) -> AgentTemplate:
    return AgentTemplate(name=name, team=team, repo=name, image=f"{team}/x:1", labels=labels, shared=shared)


def test_the_provisioner_serves_a_team_only_its_own_and_shared_templates() -> None:
    a_java = _template("teamA-java", "teamA", {"linux", "java", "team=teamA"})
    shared = _template(
        "platform-base", "platform", {"linux", "base", "team=teamA", "team=teamB"}, shared=True
    )
    provisioner = _provisioner(a_java, shared)
    assert provisioner.choose_template("linux && java", team="teamA") is a_java
    assert provisioner.choose_template("team=teamA && linux && java") is a_java  # the team from the label
    with pytest.raises(
        LabelResolutionError, match=r"only templates of other teams match: teamA-java \(team teamA\)"
    ):
        provisioner.choose_template("linux && java", team="teamB")
    with pytest.raises(LabelResolutionError, match="that may serve a job of no team"):
        provisioner.choose_template("linux && java")  # a job the farm did not make
    assert provisioner.choose_template("linux", team="teamB") is shared
    with pytest.raises(LabelResolutionError, match="asks for team teamA, not team teamB"):
        provisioner.choose_template("team=teamA && linux", team="teamB")


def test_with_isolation_credentials_a_job_of_no_team_may_use_any_template() -> None:
    a_java = _template("teamA-java", "teamA", {"linux", "java", "team=teamA"})
    assert _provisioner(a_java, isolation="credentials").choose_template("linux && java") is a_java
    with pytest.raises(LabelResolutionError):
        _provisioner(a_java, isolation="credentials").choose_template("linux && java", team="teamB")
