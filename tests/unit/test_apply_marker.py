"""The managed marker, the content hash stamped into it, and canonical config.xml."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jenkins_docker_sdk.apply import config_hash, read_marker, read_output, stamp
from jenkins_docker_sdk.apply.marker import Marker, stamped_marker, unstamped
from jenkins_docker_sdk.clients import configxml
from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.render import MANAGED_MARKER, render_path
from tests.conftest import EXAMPLE_FARM

GOLDEN_JOB = Path(__file__).resolve().parent.parent / "golden/example-farm/jobs/teamA/web-build.config.xml"


def test_stamping_changes_only_the_marker() -> None:
    rendered = GOLDEN_JOB.read_text(encoding="utf-8")
    stamped = stamp(rendered)
    assert len(stamped.hash) == 16
    assert stamped.xml == rendered.replace(
        "&lt;!-- Managed by jenkins-docker-sdk --&gt;",
        f"&lt;!-- Managed by jenkins-docker-sdk sha256:{stamped.hash} --&gt;",
    )
    assert stamped.description.endswith(MANAGED_MARKER)
    assert config_hash(stamped.xml) == config_hash(rendered) == stamped.hash


def test_the_hash_follows_the_content() -> None:
    rendered = GOLDEN_JOB.read_text(encoding="utf-8")
    assert stamp(rendered.replace("npm test", "npm test --ci")).hash != stamp(rendered).hash
    assert stamp(rendered.replace("Builds and", "Builds, and")).hash != stamp(rendered).hash


def test_stamping_refuses_a_config_without_the_marker() -> None:
    rendered = GOLDEN_JOB.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="does not end with the jenkins-docker-sdk marker"):
        stamp(rendered.replace("&lt;!-- Managed by jenkins-docker-sdk --&gt;", ""))
    with pytest.raises(ValueError, match="not well-formed"):
        stamp("<flow-definition>")


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        (None, None),
        ("", None),
        ("made by hand", None),
        (f"text\n\n{MANAGED_MARKER}", Marker(None)),
        (f"text\n\n{stamped_marker('0123456789abcdef')}", Marker("0123456789abcdef")),
        (
            f"{stamped_marker('0123456789abcdef')} {stamped_marker('fedcba9876543210')}",
            Marker("fedcba9876543210"),
        ),
        ("<!-- Managed by jenkins-docker-sdk sha256:0123 -->", None),  # not a hash of ours
    ],
)
def test_reading_the_marker(description: str | None, expected: Marker | None) -> None:
    assert read_marker(description) == expected


def test_unstamping_normalises_line_ends() -> None:
    assert unstamped(f"a\r\nb\r\n{stamped_marker('0123456789abcdef')}") == f"a\nb\n{MANAGED_MARKER}"


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("<a><b>x</b></a>", "<?xml version='1.1' encoding='UTF-8'?>\n<a>\n    <b>x</b>\n</a>", True),
        ('<a plugin="p"><b k="1" j="2"/></a>', "<a plugin='p@1.2'><b j='2' k='1'></b></a>", True),
        ("<a><b>x&#13;\ny</b></a>", "<a><b>x\ny</b></a>", True),
        ("<a><b>x</b></a>", "<a><b>x </b></a>", False),
        ("<a><b>x</b></a>", "<a><b>x</b><c/></a>", False),
        ("<a><b k='1'/></a>", "<a><b k='2'/></a>", False),
        ("<a><b>x</b></a>", "<a>", False),
    ],
)
def test_canonical_config_ignores_only_formatting(first: str, second: str, same: bool) -> None:
    assert configxml.same_config(first, second) is same


def test_read_output_stamps_every_job_and_renders_the_team_folders(tmp_path: Path) -> None:
    render_path(EXAMPLE_FARM, tmp_path / "out")
    desired = read_output(tmp_path / "out")
    assert [job.name for job in desired.jobs][:2] == ["platform/base-images", "teamA/e2e"]
    assert len(desired.jobs) == 11
    assert [f.name for f in desired.folders] == ["platform", "teamA", "teamB", "teamC", "teamD"]
    assert desired.depth == 2
    assert desired.cloud_script is not None
    assert "docker-farm" in desired.cloud_script
    for item in (*desired.jobs, *desired.folders):
        assert read_marker(configxml.parse(item.config_xml).findtext("description")) == Marker(item.hash)
    assert configxml.parse(desired.folders[0].config_xml).tag == "com.cloudbees.hudson.plugins.folder.Folder"


def test_read_output_refuses_what_jds_render_did_not_write(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a directory"):
        read_output(tmp_path / "missing")
    with pytest.raises(InputError, match=r"has no report\.json"):
        read_output(tmp_path)
    (tmp_path / "report.json").write_text(json.dumps({"generator": "someone else"}))
    with pytest.raises(InputError, match="not a report written by jds render"):
        read_output(tmp_path)
    (tmp_path / "report.json").write_text(
        json.dumps({"generator": "jenkins-docker-sdk", "jobs": [{"name": "../x"}]})
    )
    with pytest.raises(InputError, match="is not team/job"):
        read_output(tmp_path)
    (tmp_path / "report.json").write_text(
        json.dumps({"generator": "jenkins-docker-sdk", "jobs": [{"name": "a/b"}]})
    )
    with pytest.raises(InputError, match=r"cannot read the config\.xml of job a/b"):
        read_output(tmp_path)
    (tmp_path / "jobs/a").mkdir(parents=True)
    (tmp_path / "jobs/a/b.config.xml").write_text("<project/>")
    with pytest.raises(InputError, match=r"not a config\.xml as jds render writes it"):
        read_output(tmp_path)
