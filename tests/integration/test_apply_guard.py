"""What ``jds apply`` pushes is what was rendered, and a team that vanishes keeps its jobs.

A file edited after the render is refused (its hash is checked against report.json) unless
``--allow-edited``; ``jds render`` refuses an unreadable team directory, and ``jds apply
--prune`` deletes the managed jobs of a team the render has no repository of only when
``--prune-team`` names it. Against MockJenkins, through the CLI.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.render import render_path
from jenkins_docker_sdk.testing import MockJenkins
from tests.conftest import EXAMPLE_FARM
from tests.support.unprivileged import without_file_override

URL = "http://jenkins.test"
TOKEN = "11d0c0ffee5ecret7oken2c8b9e1f0a3"
TEAMD_JOBS = ["teamD/app-release"]

pytestmark = pytest.mark.mock_jenkins(users={"bot": TOKEN})


@pytest.fixture
def farm(tmp_path: Path) -> Path:
    return Path(shutil.copytree(EXAMPLE_FARM, tmp_path / "farm"))


@pytest.fixture
def applied(farm: Path, tmp_path: Path, mock_jenkins: MockJenkins, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example farm rendered into OUT and applied: every team's jobs are on the controller."""
    monkeypatch.setenv("JDS_TEST_TOKEN", TOKEN)
    out = tmp_path / "out"
    render_path(farm, out)
    assert apply(out) == 0
    assert [name for name in mock_jenkins.jobs if name.startswith("teamD/")] == TEAMD_JOBS
    return out


def apply(out: Path, *options: str) -> int:
    return main(
        ["apply", str(out), "--jenkins", URL, "--user", "bot", "--token-env", "JDS_TEST_TOKEN", *options]
    )


def snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def test_a_team_made_unreadable_before_the_render_keeps_its_jobs(
    farm: Path, applied: Path, mock_jenkins: MockJenkins
) -> None:
    before = snapshot(applied)
    (farm / "teamD").chmod(0)
    try:
        result = subprocess.run(  # a real process held to the permission bits, as a CI user would be
            [sys.executable, "-m", "jenkins_docker_sdk", "render", str(farm), "-o", str(applied)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            preexec_fn=without_file_override,
        )
    finally:
        (farm / "teamD").chmod(0o755)
    assert result.returncode == 2, result.stderr
    assert f"{farm / 'teamD'}: cannot read this directory: Permission denied" in result.stderr
    assert snapshot(applied) == before  # the previous render is what apply sees

    assert apply(applied, "--prune") == 0
    assert [name for name in mock_jenkins.jobs if name.startswith("teamD/")] == TEAMD_JOBS


def test_prune_keeps_a_missing_team_until_it_is_named(
    farm: Path, applied: Path, mock_jenkins: MockJenkins, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(farm / "teamD")  # however the team went missing, the render has none of it
    render_path(farm, applied)
    capsys.readouterr()

    assert apply(applied, "--prune") == 0
    err = capsys.readouterr().err
    assert "warning: team teamD has no repository in" in err
    assert "--prune-team teamD" in err
    assert "teamD/app-release" in mock_jenkins.jobs
    assert "teamD" in mock_jenkins.folders

    assert apply(applied, "--prune", "--prune-team", "teamD") == 0
    assert not [name for name in mock_jenkins.jobs if name.startswith("teamD/")]
    assert "teamD" not in mock_jenkins.folders


def test_prune_team_without_prune_is_a_usage_error(applied: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert apply(applied, "--prune-team", "teamD") == 2
    assert "--prune-team only makes sense with --prune" in capsys.readouterr().err


WEB_BUILD = "jobs/teamA/web-build.config.xml"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<sandbox>true</sandbox>", "<sandbox>false</sandbox>"),
        ("<keepDependencies>", "<authToken>let-me-in</authToken>\n  <keepDependencies>"),
    ],
)
def test_a_config_edited_after_the_render_is_refused_naming_the_file(
    applied: Path, mock_jenkins: MockJenkins, capsys: pytest.CaptureFixture[str], old: str, new: str
) -> None:
    path = applied / WEB_BUILD
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    before = mock_jenkins.jobs["teamA/web-build"]
    mock_jenkins.clear_request_log()
    capsys.readouterr()

    assert apply(applied) == 2
    err = capsys.readouterr().err
    assert f"{path}: edited after jds render wrote it: its content hash is" in err
    assert "--allow-edited" in err
    assert mock_jenkins.request_log == []  # refused before the controller was asked anything
    assert mock_jenkins.jobs["teamA/web-build"] == before

    assert apply(applied, "--allow-edited") == 0
    assert f"warning: {path} was edited after the render; pushed as it is" in capsys.readouterr().err
    assert new in mock_jenkins.jobs["teamA/web-build"]


def test_the_cloud_script_is_checked_when_it_is_to_run(applied: Path, mock_jenkins: MockJenkins) -> None:
    script = applied / "groovy/clouds.groovy"
    script.write_text(script.read_text() + "\nJenkins.instance.doSafeRestart(null)\n")
    assert apply(applied) == 0  # not pushed: not read
    assert apply(applied, "--cloud-script") == 2
    assert mock_jenkins.scripts_run == []
