"""Farm-wide label analysis, its place in farm loading, and `jds labels`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jenkins_docker_sdk import (
    AgentTemplate,
    Farm,
    FarmError,
    JobSpec,
    LabelExpression,
    Location,
    StaticNode,
    TeamRepo,
    analyse_labels,
)
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.labels import LabelReport, edit_distance, report_from_error
from tests.conftest import EXAMPLE_FARM


def repo(name: str, labels: str | None, *jobs: tuple[str, str]) -> TeamRepo:
    """A repository of team t: an agent with ``labels`` (None: no agent) and (job, label) pairs."""
    manifest = Path(f"t/{name}/jenkins-docker.yml")
    agent = None
    if labels is not None:
        dockerfile = Location(Path(f"t/{name}/Dockerfile"))
        agent = AgentTemplate(
            name=f"t-{name}",
            team="t",
            repo=f"t/{name}",
            image=f"t/{name}",
            labels=labels.split(),
            source=dockerfile,
        )
    specs = tuple(
        JobSpec(
            team="t",
            name=job,
            repo=name,
            label=LabelExpression.parse(label),
            source=Location(manifest, 2 + 3 * i, 5),
            label_source=Location(manifest, 3 + 3 * i, 12),
        )
        for i, (job, label) in enumerate(jobs)
    )
    return TeamRepo(path=Path(f"t/{name}"), team="t", name=name, manifest=manifest, agent=agent, jobs=specs)


def bound(report: LabelReport) -> dict[str, list[str]]:
    return {job: [t.name for t in found] for job, found in report.bindings.items()}


def kinds(report: LabelReport) -> list[tuple[str, str]]:
    return [(f.severity, f.kind) for f in report.findings]


def test_a_clean_farm_has_no_findings_and_binds_every_job() -> None:
    report = analyse_labels([repo("java", "linux java", ("build", "java && linux"))])
    assert report.ok
    assert report.findings == ()
    assert bound(report) == {"t/build": ["t-java"]}
    assert report.to_text() == "0 errors, 0 warnings, 0 info"


def test_an_unsatisfiable_job_is_an_error_at_its_label_with_the_nearest_templates() -> None:
    report = analyse_labels(
        [
            repo("java", "linux java"),
            repo("gpu", "linux cuda"),
            repo("app", None, ("train", "linux && java && cuda")),
        ]
    )
    assert kinds(report)[0] == ("error", "unsatisfiable")
    error = report.errors[0]
    assert error.location == Location(Path("t/app/jenkins-docker.yml"), 3, 12)
    assert error.message == "job 't/train': no agent template satisfies the label 'linux && java && cuda'"
    assert error.hint == "nearest: t-gpu (lacks java); t-java (lacks cuda)"
    assert error.subjects == ("t/train",)
    assert "t/train" not in report.bindings
    assert not report.ok


def test_an_unsatisfiable_job_with_a_case_typo_gets_a_did_you_mean() -> None:
    report = analyse_labels([repo("java", "linux java", ("build", "Java && linux"))])
    assert kinds(report) == [
        ("error", "unsatisfiable"),
        ("warning", "label-typo"),
        ("info", "unused-template"),
    ]
    error, typo, _ = report.findings
    assert error.hint == "nearest: t-java (lacks Java)\n    did you mean 'java' instead of 'Java'?"
    assert typo.message == (
        "label 'Java' is offered by no agent template, but 'java' is (labels are case-sensitive)"
    )
    assert typo.location == Location(Path("t/java/jenkins-docker.yml"), 3, 12)
    assert typo.hint == "asked for by 1 job: t/build"


def test_a_small_typo_is_found_by_edit_distance_and_reported_once_per_label() -> None:
    report = analyse_labels(
        [repo("java", "linux java17", ("a", "linx || java17"), ("b", "linx && java17"), ("c", "!linx"))]
    )
    typos = [f for f in report.findings if f.kind == "label-typo"]
    assert len(typos) == 1
    assert typos[0].message == "label 'linx' is offered by no agent template; did you mean 'linux'?"
    assert typos[0].hint == "asked for by 3 jobs: t/a, t/b, t/c"
    assert typos[0].subjects == ("t/a", "t/b", "t/c")
    assert [f.kind for f in report.errors] == ["unsatisfiable"]  # only b cannot run


def test_no_did_you_mean_for_a_label_the_expression_already_names_or_for_a_distant_one() -> None:
    report = analyse_labels([repo("py", "python3.11", ("a", "python3.12 || python3.11"), ("b", "!windows"))])
    assert report.findings == ()


def test_several_templates_for_one_label_is_a_warning_naming_the_winner() -> None:
    report = analyse_labels(
        [repo("a-java", "linux java"), repo("b-java", "linux java maven", ("build", "java"))]
    )
    assert kinds(report) == [("warning", "ambiguous"), ("info", "shadowed-template")]
    warning = report.warnings[0]
    assert warning.message == (
        "job 't/build': label 'java' is satisfied by 2 templates (t-a-java, t-b-java); t-a-java is used first"
    )
    assert bound(report) == {"t/build": ["t-a-java", "t-b-java"]}
    assert report.warning_lines() == [f"t/b-java/jenkins-docker.yml:3:12: {warning.message}"]


def test_unused_and_shadowed_templates_are_info() -> None:
    report = analyse_labels(
        [
            repo("a-java", "linux java", ("build", "java")),
            repo("b-java", "java maven"),  # every job that matches it matches a-java first
            repo("c-go", "go1.22"),  # no job asks for it
        ]
    )
    assert kinds(report) == [
        ("warning", "ambiguous"),
        ("info", "shadowed-template"),
        ("info", "unused-template"),
    ]
    shadowed, unused = report.by_severity("info")
    assert shadowed.message == (
        "agent template 't-b-java' is never used first: every job it matches is served by 't-a-java' first"
    )
    assert unused.message == "agent template 't-c-go' serves no job: no job's label matches it"
    assert unused.hint == "a job of team t reaches it with label: go1.22"
    assert unused.location == Location(Path("t/c-go/Dockerfile"))


def test_template_labels_that_differ_only_in_case_are_a_warning() -> None:
    report = analyse_labels(
        [repo("a", "linux teamB", ("x", "teamB")), repo("b", "linux teamb", ("y", "teamb"))]
    )
    assert kinds(report) == [("warning", "label-case")]
    assert (
        report.warnings[0].message
        == "labels 'teamB' and 'teamb' differ only in case; Jenkins tells them apart"
    )
    assert report.warnings[0].hint == "teamB: t-a; teamb: t-b"


def test_a_contradiction_says_so() -> None:
    report = analyse_labels([repo("java", "java", ("build", "java && !java"))])
    assert report.errors[0].hint == "the label is a contradiction: no set of labels satisfies it"


def test_static_nodes_can_serve_jobs() -> None:
    repos = [repo("java", "java", ("mac", "macos"))]
    assert not analyse_labels(repos).ok
    report = analyse_labels(repos, nodes=[StaticNode("mac-1", frozenset({"macos"}))])
    assert report.ok
    assert bound(report) == {"t/mac": []}  # no template: a static node runs it
    offline = analyse_labels(repos, nodes=[StaticNode("mac-1", frozenset({"macos"}), offline=True)])
    assert (
        offline.errors[0].message
        == "job 't/mac': no agent template or static node satisfies the label 'macos'"
    )


def test_a_job_holds_a_parsed_label_never_text() -> None:
    """Discovery parses a label once, with its column (broken farm 89); a spec built from
    text is refused with the call that would be accepted."""
    with pytest.raises(TypeError, match=r"LabelExpression.parse\('java && linux'\)"):
        JobSpec(team="t", name="build", repo="java", label="java && linux")  # type: ignore[arg-type]


def test_loading_keeps_its_label_report_and_binds_jobs_to_the_farms_templates(example_farm: Farm) -> None:
    report = example_farm.labels
    assert report is not None
    assert report.resolver.templates == example_farm.templates  # the farm's one resolver
    assert report.bindings == example_farm.bindings
    assert report.to_dict() == analyse_labels(example_farm).to_dict()  # what a fresh analysis finds
    (web,) = example_farm.bindings["teamA/web-build"]
    assert web is next(t for t in example_farm.templates if t.name == "teamA-node-web")


def test_report_json() -> None:
    report = analyse_labels([repo("java", "linux java", ("build", "Java"))])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["ok"] is False
    assert data["summary"] == {"jobs": 1, "templates": 1, "nodes": 0, "errors": 1, "warnings": 1, "info": 1}
    assert data["findings"][0]["kind"] == "unsatisfiable"
    assert data["findings"][0]["location"] == "t/java/jenkins-docker.yml:3:12"
    assert data["bindings"] == {}


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("java", "java", 0),
        ("linx", "linux", 1),
        ("jvaa", "java", 1),
        ("java11", "java17", 1),
        ("node18", "node20", 2),
        ("abc", "xyz", 3),
    ],
)
def test_edit_distance_counts_a_swap_as_one_edit_and_stops_at_the_limit(
    a: str, b: str, distance: int
) -> None:
    assert edit_distance(a, b, 1) == min(distance, 2)
    assert edit_distance(a, b, 2) == min(distance, 3)


# -- in farm loading and on the command line ---------------------------------------------------


def write_farm(root: Path, label: str, *, second_template: bool = False) -> Path:
    repo_dir = root / "teamX" / "app"
    repo_dir.mkdir(parents=True)
    (repo_dir / "Dockerfile").write_text('FROM alpine:3.20\nLABEL io.jenkins.agent.labels="linux java"\n')
    (repo_dir / "jenkins-docker.yml").write_text(f"jobs:\n  - name: build\n    label: {label}\n")
    if second_template:
        other = root / "teamX" / "tools"
        other.mkdir()
        (other / "Dockerfile").write_text(
            'FROM alpine:3.20\nLABEL io.jenkins.agent.labels="linux java gradle"\n'
        )
    return root


def test_jds_check_fails_on_a_case_typo_with_a_did_you_mean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = write_farm(tmp_path, "linux && Java")
    assert main(["check", str(farm)]) == 2
    err = capsys.readouterr().err
    assert "teamX/app/jenkins-docker.yml:3:5: job 'teamX/build': no agent template satisfies" in err
    assert "did you mean 'java' instead of 'Java'?" in err
    with pytest.raises(FarmError) as caught:
        Farm.from_path(farm)
    report = report_from_error(caught.value)
    assert report is not None
    assert [f.kind for f in report.findings] == ["unsatisfiable", "label-typo", "unused-template"]


def test_warnings_reach_farm_warnings_and_report_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = write_farm(tmp_path / "farm", "java", second_template=True)
    loaded = Farm.from_path(farm)
    assert len(loaded.warnings) == 1
    assert (
        "label 'team=teamX && java' is satisfied by 2 templates (teamX-app, teamX-tools); "
        "teamX-app is used first" in (loaded.warnings[0])
    )
    assert main(["render", str(farm), "-o", str(tmp_path / "out")]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["warnings"] == list(loaded.warnings)
    assert "warning: " in capsys.readouterr().err


def test_an_error_that_is_not_about_labels_carries_no_label_report(tmp_path: Path) -> None:
    (tmp_path / "teamX" / "app").mkdir(parents=True)
    (tmp_path / "teamX" / "app" / "jenkins-docker.yml").write_text("jobs: {}\n")
    with pytest.raises(FarmError) as caught:
        Farm.from_path(tmp_path)
    assert report_from_error(caught.value) is None


def test_jds_labels_prints_the_analysis(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", str(EXAMPLE_FARM)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{EXAMPLE_FARM}: 11 jobs, 7 agent templates: 0 errors, 0 warnings, 1 info"
    assert out[2] == "info:"
    assert out[3].endswith("agent template 'platform-base-agent' serves no job: no job's label matches it")
    assert out[4] == "      a job of any team reaches it with label: base && java17 && linux"


def test_jds_labels_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", str(EXAMPLE_FARM), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is True
    assert data["summary"]["jobs"] == 11
    assert data["bindings"]["teamB/awesome-build"] == ["teamB-centos7-java"]
    assert [f["kind"] for f in data["findings"]] == ["unused-template"]


def test_jds_labels_exits_2_on_label_errors_after_printing_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = write_farm(tmp_path, "linux && Java")
    assert main(["labels", str(farm)]) == 2
    captured = capsys.readouterr()
    assert ": 1 jobs, 1 agent templates: 1 error, 1 warning, 1 info" in captured.out
    assert "errors:\n" in captured.out
    assert "warnings:\n" in captured.out
    assert captured.err == f"error: 1 label error in {farm}\n"
    assert main(["labels", str(farm), "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["ok"] is False


def test_jds_labels_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["labels", str(EXAMPLE_FARM), "--explain", "java && teamB"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "expression: java && teamB\nwinner: teamB-centos7-java (first of 1 matching templates)\n"
    )
    assert (
        "  - teamB-gradle-tools   normal     [gradle java17 teamB team=(5 teams)]            lacks java\n"
        in out
    )
    assert main(["labels", str(EXAMPLE_FARM), "--explain", "java && teamB", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["winner"] == "teamB-centos7-java"


def test_jds_labels_explain_works_on_a_farm_that_fails_only_on_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = write_farm(tmp_path, "gpu")
    assert main(["labels", str(farm), "--explain", "linux && java"]) == 0
    assert "winner: teamX-app" in capsys.readouterr().out


def test_jds_labels_refuses_a_bad_expression_or_a_broken_farm(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["labels", str(EXAMPLE_FARM), "--explain", "java &&& x"]) == 2
    err = capsys.readouterr().err
    assert err == ("error: unexpected '&' (use '&&') at column 8\n    java &&& x\n           ^\n")
    (tmp_path / "teamX" / "app").mkdir(parents=True)
    (tmp_path / "teamX" / "app" / "jenkins-docker.yml").write_text("jobs: {}\n")
    assert main(["labels", str(tmp_path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_jds_labels_syntax_error_in_a_real_process_has_no_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jenkins_docker_sdk", "labels", str(EXAMPLE_FARM), "--explain", "(java"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "unexpected end of the expression; expected ')'" in result.stderr
