"""What a gate failure looks like: the deliberately bad agent of tests/data/bad-agent is refused.

The example farm's images all pass the gate (scripts/demo); this fixture keeps one image
that builds but must not reach a farm, and pins what ``jds validate --farm`` says about it:
each failed check, where (Dockerfile line or image path), and never the secret's value.
"""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from jenkins_docker_sdk.cli import main
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker

FARM = Path(__file__).resolve().parents[1] / "data" / "bad-agent" / "farm"
DOCKERFILE = FARM / "teamX" / "legacy-agent" / "Dockerfile"
IMAGE = "jds-test/bad-agent:1"
SECRET = "baked-into-every-layer-after-this"


@pytest.fixture
def bad_agent(docker_harness: Harness, docker_engine: docker.DockerClient) -> Iterator[Path]:
    """The fixture farm, checked to build FROM the harness's busybox image; its image removed after."""
    assert f"FROM {docker_harness.busybox_image}\n" in DOCKERFILE.read_text(encoding="utf-8")
    yield FARM
    with contextlib.suppress(docker.errors.ImageNotFound):
        docker_engine.images.remove(IMAGE, force=True)


def test_the_bad_agent_builds_and_is_refused_for_each_of_its_faults(
    bad_agent: Path,
    tmp_path: Path,
    docker_harness: Harness,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_harness.docker_host)
    report = tmp_path / "validate.xml"
    args = ["validate", "--farm", str(bad_agent), "--network", "none"]
    assert main([*args, "--format", "junit", "-o", str(report)]) == 1
    (suite,) = ET.parse(report).getroot()
    assert suite.get("name") == IMAGE
    failures = {case.get("name"): case.find("failure") for case in suite}
    assert failures["image-build"] is None  # it builds: the gate refuses what it is
    failed = {name: failure for name, failure in failures.items() if failure is not None}
    assert set(failed) == {
        "no-user",  # JDS101: no USER in the Dockerfile
        "agent-user",  # JDS305: the agent runs as root
        "secret-env",  # JDS102: the password in ENV ...
        "secret-config-env",  # JDS204: ... and in the image's config
        "command: java runtime for the agent (17 or later)",  # JDS301: no Java
        "command: git",  # JDS301: no git
    }
    assert f"{DOCKERFILE}:4:1: error JDS101" in (failed["no-user"].text or "")
    assert f"{DOCKERFILE}:6:5: error JDS102" in (failed["secret-env"].text or "")
    assert "config:Env:REGISTRY_PASSWORD" in (failed["secret-config-env"].text or "")
    assert "java: not found" in (failed["command: java runtime for the agent (17 or later)"].text or "")

    capsys.readouterr()
    assert main([*args, "--format", "text"]) == 1
    text = capsys.readouterr().out
    assert f"{IMAGE}: FAIL" in text
    assert "6 of 19 checks failed" in text
    assert SECRET not in text
    assert SECRET not in report.read_text(encoding="utf-8")
