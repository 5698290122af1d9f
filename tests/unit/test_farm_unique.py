"""One image, one template (unless farm.yml shares it), and no two teams one folder by case."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm, FarmError
from jenkins_docker_sdk.reading import image_key

DOCKERFILE = 'FROM jenkins/inbound-agent:latest\nLABEL io.jenkins.agent.labels="linux {label}"\n'


def repo(root: Path, rel: str, manifest: str = "") -> Path:
    directory = root / rel
    directory.mkdir(parents=True)
    (directory / "Dockerfile").write_text(DOCKERFILE.format(label=rel.replace("/", "-")))
    (directory / "jenkins-docker.yml").write_text(manifest)
    return directory


def problems(root: Path) -> list[str]:
    with pytest.raises(FarmError) as error:
        Farm.from_path(root)
    return [str(problem) for problem in error.value.problems]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("agent", "docker.io/library/agent:latest"),
        ("team/agent", "index.docker.io/team/agent"),
        ("Registry.Example.com/a/b", "registry.example.com/a/b:latest"),
        ("localhost/a", "localhost/a:latest"),
        ("reg:5000/a@sha256:" + "0" * 64, "reg:5000/a@sha256:" + "0" * 64),
    ],
)
def test_references_to_one_image_have_one_key(one: str, other: str) -> None:
    assert image_key(one) == image_key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("agent", "agent:1.0"),
        ("reg:5000/a", "reg:5001/a"),
        ("a/b", "b"),
        ("reg.io/a", "reg.io/a@sha256:" + "0" * 64),
    ],
)
def test_references_to_different_images_differ(one: str, other: str) -> None:
    assert image_key(one) != image_key(other)


def test_two_templates_naming_one_image_are_refused_with_both_locations(tmp_path: Path) -> None:
    first = repo(tmp_path, "teamX/repo", "agent: {image: 'reg.example.com/shared/agent:latest'}\n")
    second = repo(tmp_path, "teamY/other", "agent:\n  labels: [y]\n  image: reg.example.com/shared/agent\n")
    [problem] = problems(tmp_path)
    assert problem.startswith(
        f"{second / 'jenkins-docker.yml'}:3:3: agent template 'teamY-other' has the image "
        "'reg.example.com/shared/agent', which is already the image of agent template 'teamX-repo' "
        f"({first / 'jenkins-docker.yml'}:1:9): one image belongs to one template"
    )
    assert "tenancy.shared_images in farm.yml" in problem


def test_an_image_the_farm_shares_may_serve_several_templates(tmp_path: Path) -> None:
    repo(tmp_path, "teamX/repo", "agent: {image: reg.example.com/shared/agent}\n")
    repo(tmp_path, "teamY/other", "agent: {image: 'reg.example.com/shared/agent:latest'}\n")
    (tmp_path / "farm.yml").write_text("tenancy: {shared_images: [reg.example.com/shared/agent]}\n")
    farm = Farm.from_path(tmp_path)
    assert {t.image for t in farm.templates} == {
        "reg.example.com/shared/agent",
        "reg.example.com/shared/agent:latest",
    }
    assert farm.settings.tenancy.shared_images == ("reg.example.com/shared/agent",)


def test_repositories_differing_in_case_collide_on_their_default_image(tmp_path: Path) -> None:
    repo(tmp_path, "teamX/REPO")
    upper = repo(tmp_path, "teamX/repo")
    [problem] = problems(tmp_path)
    assert problem.startswith(
        f"{upper / 'Dockerfile'}: agent template 'teamX-repo' has the image 'teamx/repo' "
        "(the default <registry>/<team>/<repo>, in lower case), which is already the image of agent "
        "template 'teamX-REPO'"
    )


def test_teams_differing_only_in_case_are_one_folder(tmp_path: Path) -> None:
    repo(tmp_path, "TEAMX/one", "jobs: [{name: one}]\n")
    repo(tmp_path, "teamX/two", "jobs: [{name: two}]\n")
    repo(tmp_path, "teamX/three", "jobs: [{name: three}]\n")
    [problem] = problems(tmp_path)  # once per team, not per repository
    assert problem.startswith(
        f"{tmp_path / 'teamX/three'}: team 'teamX' and team 'TEAMX' (of TEAMX/one) differ only in case: "
        "Jenkins item names are case-insensitive"
    )
