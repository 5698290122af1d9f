"""Discovery says what it does not read: errors for what would vanish, warnings for what is
left out on purpose (``jds check`` prints them, ``--strict`` refuses them)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm, FarmError
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.reading import RepoWalk

DOCKERFILE = 'FROM jenkins/inbound-agent:latest\nLABEL io.jenkins.agent.labels="linux"\n'
MANIFEST = "jobs: [{name: build, label: linux}]\n"


def repo(root: Path, rel: str, manifest: str | None = MANIFEST, dockerfile: str | None = DOCKERFILE) -> Path:
    directory = root / rel
    directory.mkdir(parents=True)
    if manifest is not None:
        (directory / "jenkins-docker.yml").write_text(manifest)
    if dockerfile is not None:
        (directory / "Dockerfile").write_text(dockerfile)
    return directory


def problems(root: Path) -> list[str]:
    with pytest.raises(FarmError) as error:
        Farm.from_path(root)
    return [str(problem) for problem in error.value.problems]


def test_repositories_come_in_sorted_order_and_skipped_folders_stay_silent(tmp_path: Path) -> None:
    for rel in ("teamB/z", "teamA/b", "teamA/a", "teamA/a2/nested", ".hidden/x", "teamC/node_modules/y"):
        repo(tmp_path, rel)
    walk = RepoWalk(tmp_path)
    assert [str(p) for p in walk.repos()] == ["teamA/a", "teamA/a2/nested", "teamA/b", "teamB/z"]
    assert walk.problems == []
    assert walk.warnings == []


@pytest.mark.parametrize(("make", "kind"), [(os.mkfifo, "a named pipe (FIFO)"), (os.mkdir, "a directory")])
def test_a_dockerfile_that_is_not_a_file_is_an_error(tmp_path: Path, make: object, kind: str) -> None:
    directory = repo(tmp_path, "teamX/repo", dockerfile=None)
    make(directory / "Dockerfile")  # type: ignore[operator]
    assert (
        f"{directory / 'Dockerfile'}: cannot read: it is {kind}, not a regular file" in problems(tmp_path)[0]
    )


def test_a_manifest_that_is_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    directory = repo(tmp_path, "teamX/repo", manifest=None)
    (directory / "jenkins-docker.yml").symlink_to("/dev/zero")
    assert problems(tmp_path) == [
        f"{directory / 'jenkins-docker.yml'}: cannot read: it is a character device, not a regular file"
    ]


def test_a_manifest_directory_marks_a_repository_it_cannot_be(tmp_path: Path) -> None:
    directory = repo(tmp_path, "teamX/repo", manifest=None, dockerfile=None)
    (directory / "jenkins-docker.yml").mkdir()
    repo(tmp_path, "teamY/other")
    assert problems(tmp_path) == [
        f"{directory / 'jenkins-docker.yml'}: cannot read: it is a directory, not a regular file"
    ]


def test_a_directory_symlink_is_a_warning_that_strict_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo(tmp_path, "teamX/repo")
    other = DOCKERFILE.replace('"linux"', '"other"')
    repo(tmp_path, "elsewhere/repo", manifest="jobs: [{name: other, label: other}]\n", dockerfile=other)
    (tmp_path / "teamY").symlink_to(tmp_path / "elsewhere")
    warning = f"{tmp_path / 'teamY'}: a symlink to a directory ({tmp_path / 'elsewhere'}): not followed"
    assert [w for w in Farm.from_path(tmp_path).warnings if w.startswith(warning)]

    assert main(["check", str(tmp_path)]) == 0
    assert f"warning: {warning}" in capsys.readouterr().err
    assert main(["check", "--strict", str(tmp_path)]) == 2
    assert f"error: {tmp_path}: 1 warning, and --strict refuses it" in capsys.readouterr().err


def test_strict_render_writes_nothing_when_the_farm_has_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = tmp_path / "farm"
    repo(farm, "teamX/repo")
    (farm / "Dockerfile").write_text(DOCKERFILE)
    out = tmp_path / "out"
    assert main(["render", "--strict", str(farm), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "1 warning, and --strict refuses it; nothing was written" in err
    assert f"{farm / 'Dockerfile'}: a Dockerfile at the farm root is not read" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["farm"]
    assert main(["render", str(farm), "-o", str(out)]) == 0  # without --strict: a warning only
    assert (
        f"warning: {farm / 'Dockerfile'}: a Dockerfile at the farm root is not read"
        in capsys.readouterr().err
    )


def test_check_json_says_a_strict_refusal(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo(tmp_path, "teamX/repo")
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    assert main(["check", "--strict", "--json", str(tmp_path)]) == 2
    assert '"ok": false' in capsys.readouterr().out
