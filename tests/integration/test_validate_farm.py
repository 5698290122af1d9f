"""``jds validate --farm``: every template image of a farm built on the real engine and
validated, one JUnit testsuite per image; a failed build is a report, not a crash."""

from __future__ import annotations

import contextlib
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.model import Farm
from tests.integration.test_validate_agents import JNLP_AGENT
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker

IMAGES = {
    "good": "jds-test/farm-good:1",
    "rooty": "jds-test/farm-rooty:1",
    "broken": "jds-test/farm-broken:1",
}


@pytest.fixture
def farm(tmp_path: Path, docker_harness: Harness, docker_engine: docker.DockerClient) -> Iterator[Path]:
    """A farm of three repositories FROM the harness images: good, root user, failing build."""
    bodies = {
        "good": f"FROM {docker_harness.agent_image}\n{JNLP_AGENT}",
        "rooty": f"FROM {docker_harness.agent_image}\nRUN mkdir -p /home/jenkins/agent\n",
        "broken": f"FROM {docker_harness.busybox_image}\nRUN echo compiling && false\n",
    }
    root = tmp_path / "farm"
    for name, body in bodies.items():
        repo = root / "teamA" / name
        repo.mkdir(parents=True)
        (repo / "Dockerfile").write_text(f'{body}LABEL io.jenkins.agent.labels="{name}"\n', encoding="utf-8")
        (repo / "jenkins-docker.yml").write_text(f"agent:\n  image: {IMAGES[name]}\n", encoding="utf-8")
    yield root
    for image in IMAGES.values():
        with contextlib.suppress(docker.errors.ImageNotFound):
            docker_engine.images.remove(image, force=True)


def test_every_image_is_built_and_validated_into_one_junit_file(
    farm: Path, tmp_path: Path, docker_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_harness.docker_host)
    out = tmp_path / "validate.xml"
    code = main(["validate", "--farm", str(farm), "--network", "none", "--format", "junit", "-o", str(out)])
    assert code == 1
    suites = {suite.get("name"): suite for suite in ET.parse(out).getroot()}
    assert set(suites) == set(IMAGES.values())
    failed = {
        name: sorted(case.get("name") or "" for case in suite if case.find("failure") is not None)
        for name, suite in suites.items()
    }
    assert failed[IMAGES["good"]] == []
    assert failed[IMAGES["rooty"]] == ["agent-user", "no-user"]
    assert failed[IMAGES["broken"]] == ["image-build"]
    (build,) = (case for case in suites[IMAGES["broken"]] if case.get("name") == "image-build")
    failure = build.find("failure")
    assert failure is not None
    assert failure.get("type") == "JDS300"
    assert f"{farm / 'teamA/broken/Dockerfile'}:2: error JDS300" in (failure.text or "")
    assert "compiling" in (failure.text or "")  # the build's last output line
    # the classname keeps the images' checks apart in Jenkins
    assert {case.get("classname") for case in suites[IMAGES["good"]]} == {f"jds.validate.{IMAGES['good']}"}


def test_the_farm_policy_applies_and_bad_input_is_exit_2(
    farm: Path, tmp_path: Path, docker_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", docker_harness.docker_host)
    (farm / "policy.yml").write_text("extends: default\nallow_root_user: true\nignore: [JDS101]\n")
    (farm / "farm.yml").write_text("validation: {policy: policy.yml}\n")
    (farm / "teamA" / "broken").joinpath("Dockerfile").unlink()
    (farm / "teamA" / "broken").joinpath("jenkins-docker.yml").unlink()
    assert [t.name for t in Farm.from_path(farm).templates] == ["teamA-good", "teamA-rooty"]
    assert main(["validate", "--farm", str(farm), "--network", "none", "--format", "json"]) == 0
    assert main(["validate", "--farm", str(farm), "--connector", "ssh"]) == 2
    assert main(["validate", "--farm", str(tmp_path / "nowhere")]) == 2
