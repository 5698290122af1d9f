"""The `jds` command and the all-or-nothing output directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jenkins_docker_sdk import Farm, FarmError, InputError, Location, render_farm
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.render import report_text, write_atomically
from tests.conftest import EXAMPLE_FARM


def test_render_prints_a_summary_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(EXAMPLE_FARM), "-o", str(tmp_path / "out")]) == 0
    assert "Rendered 11 jobs of 5 teams on 7 agent templates" in capsys.readouterr().out
    assert main(["render", str(EXAMPLE_FARM), "-o", str(tmp_path / "out"), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["written"] == 29  # 28 rendered files and report.json
    assert len(report["files"]) == 28
    assert report["summary"]["jobs"] == 11


def test_check_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(EXAMPLE_FARM), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"ok": True, "jobs": 11, "templates": 7, "warnings": []}


def test_schema_describes_both_files(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schemas = json.loads(capsys.readouterr().out)
    farm, manifest = schemas["farm"], schemas["manifest"]
    assert set(farm["properties"]) == {
        "jenkins", "registry", "cloud", "drydock", "defaults", "validation", "credentials", "tenancy"
    }  # fmt: skip
    assert set(manifest["properties"]) == {"team", "agent", "jobs", "credentials"}
    declared = manifest["properties"]["credentials"]["items"]
    assert declared["required"] == ["id", "type"]
    assert set(declared["properties"]) == {"id", "type", "description"}
    assert set(farm["properties"]["credentials"]["items"]["properties"]) == {
        "id",
        "type",
        "description",
        "shared",
    }
    assert set(schemas) == {"farm", "manifest", "policy"}
    assert farm["properties"]["cloud"]["properties"]["connector"]["enum"] == ["jnlp", "ssh", "attach"]
    job = manifest["properties"]["jobs"]["items"]
    assert job["required"] == ["name"]
    assert job["additionalProperties"] is False
    credential = job["properties"]["credentials"]["items"]
    assert credential["properties"]["type"]["enum"] == [
        "string",
        "username_password",
        "ssh_key",
        "file",
        "certificate",
    ]


def test_bad_input_exits_2_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "farm root is not a directory" in err
    assert "Traceback" not in err
    assert main(["render", str(EXAMPLE_FARM)]) == 2  # -o is required
    assert main(["schema", "nope"]) == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("jds, version ")


def test_a_directory_not_written_by_jds_is_never_replaced(example_farm: Farm, tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="was not written by jds render"):
        render_farm(example_farm, precious)
    assert (precious / "notes.txt").read_text() == "keep me"


def test_a_failure_mid_write_leaves_the_previous_output(example_farm: Farm, tmp_path: Path) -> None:
    out = tmp_path / "out"
    render_farm(example_farm, out)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def files() -> list[tuple[str, str]]:
        yield "jobs/a.Jenkinsfile", "partial"
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(out, files())  # type: ignore[arg-type]
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left behind


def test_discovery_defaults(example_farm: Farm) -> None:
    templates = {t.name: t for t in example_farm.templates}
    base = templates["platform-base-agent"]  # a repo with only a Dockerfile
    assert base.image == "registry.example.com/platform/base-agent"
    every_team = {f"team={team}" for team in example_farm.teams}
    assert base.labels == {"linux", "base", "java17", *every_team}  # platform's templates are shared
    assert (base.connector, base.mode, base.user) == ("jnlp", "exclusive", "jenkins")
    assert templates["teamA-node-web"].labels == {
        "node20",
        "web",
        "teamA",
        "team=teamA",
    }  # ENV expanded in LABEL
    assert [t.name for t in example_farm.templates if t.docker_socket] == ["platform-drydock"]
    jobs = {j.full_name: j for j in example_farm.jobs}
    assert str(jobs["teamA/web-build"].label) == "team=teamA && node20 && teamA && web"  # the agent's labels
    assert jobs["teamA/web-build"].git.branch == "main"  # farm default
    assert str(jobs["teamC/pipeline-image"].label) == "team=teamC && drydock"
    assert jobs["teamB/awesome-nightly"].timeout_minutes == 60
    assert example_farm.teams == ("platform", "teamA", "teamB", "teamC", "teamD")
    assert [r.name for r in example_farm.repos if r.manifest is None] == ["base-agent"]


@pytest.mark.parametrize(
    "report",
    [
        {},
        {"a": []},
        {"a": {}},
        {"b": [1, {"z": [2], "y": None}], "a": {"k": "v", "j": [True]}, "c": "x\n\u00e9"},
    ],
)
def test_report_text_is_the_same_json(report: dict[str, Any]) -> None:
    assert json.loads(report_text(report)) == report


def test_report_text_puts_each_job_and_file_on_its_own_line(example_farm: Farm, tmp_path: Path) -> None:
    report = render_farm(example_farm, tmp_path / "out").report
    lines = (tmp_path / "out" / "report.json").read_text().splitlines()
    for job in report["jobs"]:
        (line,) = [line for line in lines if f'"name": "{job["name"]}"' in line]
        assert json.loads(line.strip().rstrip(",")) == job
    for path, digest in report["files"].items():
        assert f'    "{path}": "{digest}"' in [line.rstrip(",") for line in lines]


def test_a_dockerfile_symlinked_from_outside_the_repository_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "Dockerfile"
    outside.parent.mkdir()
    outside.write_text('FROM debian:12\nLABEL io.jenkins.agent.labels="linux"\n')
    repo = tmp_path / "farm" / "teamA" / "app"
    repo.mkdir(parents=True)
    (repo / "Dockerfile").symlink_to(outside)
    with pytest.raises(FarmError, match="Dockerfile is a symlink to a file outside the repository") as error:
        Farm.from_path(tmp_path / "farm")
    assert error.value.problems[0].location == Location(repo / "Dockerfile")


def test_an_output_path_that_is_a_symlink_keeps_the_link_and_replaces_its_target(tmp_path: Path) -> None:
    target = tmp_path / "renders" / "current"
    link = tmp_path / "out"
    link.symlink_to(target)  # dangling at first: the first render creates the target
    for _ in range(2):
        assert main(["render", str(EXAMPLE_FARM), "-o", str(link)]) == 0
        assert link.is_symlink()
        assert (target / "report.json").is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["current"]  # no staging left beside it
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert main(["render", str(EXAMPLE_FARM), "-o", str(loop)]) == 2
