"""``jds provision / agents / release / reap`` on the example farm, a real engine and MockJenkins."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Iterator

import docker
import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.testing import MockJenkinsServer
from tests.conftest import EXAMPLE_FARM
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker

GRADLE_IMAGE = "registry.example.com/teamb/gradle-tools"  # the example farm's teamB-gradle-tools


@pytest.fixture
def gradle_image(docker_engine: docker.DockerClient, docker_harness: Harness) -> Iterator[str]:
    """The example template's image on node1: the harness busybox with its user, jenkins."""
    dockerfile = (
        f"FROM {docker_harness.busybox_image}\n"
        "RUN mkdir -p /etc /home/jenkins && echo 'jenkins:x:1000:1000::/home/jenkins:/bin/sh' >> /etc/passwd"
        " && echo 'jenkins:x:1000:' >> /etc/group\n"
    )
    image, _ = docker_engine.images.build(
        fileobj=io.BytesIO(dockerfile.encode()), tag=GRADLE_IMAGE, network_mode="none", rm=True
    )
    try:
        yield GRADLE_IMAGE
    finally:
        docker_engine.images.remove(image.id, force=True)


def jds(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_provision_agents_release_on_the_example_farm(
    capsys: pytest.CaptureFixture[str],
    docker_harness: Harness,
    mock_jenkins_server: MockJenkinsServer,
    gradle_image: str,
) -> None:
    farm_id = f"cli-{uuid.uuid4().hex[:8]}"
    where = ["--farm", str(EXAMPLE_FARM), "--docker-host", docker_harness.docker_host,
             "--jenkins", mock_jenkins_server.url, "--farm-id", farm_id]  # fmt: skip
    code, out, err = jds(capsys, "provision", "gradle && teamB", *where, "--json")
    assert (code, err) == (0, "")
    agent = json.loads(out)
    assert agent["template"] == "teamB-gradle-tools"
    assert agent["connector"] == "attach"
    try:
        assert list(mock_jenkins_server.jenkins.nodes) == [agent["node"]]
        code, out, _ = jds(capsys, "agents", *where)
        assert code == 0
        header, row = out.splitlines()
        assert header.split() == ["NODE", "TEMPLATE", "HOST", "STATE", "AGE", "JENKINS"]
        assert row.split()[:4] == [
            agent["node"],
            "teamB-gradle-tools",
            docker_harness.docker_host.removeprefix("unix://"),
            "running",
        ]
        assert row.split()[-1] == "yes"
    finally:
        code, out, _ = jds(capsys, "release", agent["node"], *where)
    assert (code, out) == (0, f"released {agent['node']}\n")
    assert mock_jenkins_server.jenkins.nodes == {}
    code, out, _ = jds(capsys, "agents", *where, "--json")
    assert json.loads(out)["agents"] == []
    code, out, err = jds(capsys, "reap", *where, "--dry-run")
    assert (code, out) == (0, "nothing to reap\n")


def test_agents_lists_the_hosts_that_answered_and_names_the_ones_that_did_not(
    capsys: pytest.CaptureFixture[str], docker_harness: Harness, mock_jenkins_server: MockJenkinsServer
) -> None:
    where = ["--farm", str(EXAMPLE_FARM), "--jenkins", mock_jenkins_server.url, "--farm-id", "cli-half"]
    code, out, err = jds(capsys, "agents", *where, "--docker-host", docker_harness.docker_host)
    assert (code, err) == (0, "")
    assert out.split() == ["NODE", "TEMPLATE", "HOST", "STATE", "AGE", "JENKINS"]
    code, _, err = jds(
        capsys,
        "agents",
        *where,
        "--docker-host",
        docker_harness.docker_host,
        "--docker-host",
        "tcp://127.0.0.1:9",
    )
    assert code == 1
    assert err == "error: host 127.0.0.1:9 did not answer: its agents are not listed\n"


def test_bad_input_exits_2_without_traceback(
    capsys: pytest.CaptureFixture[str], docker_harness: Harness, mock_jenkins_server: MockJenkinsServer
) -> None:
    where = ["--farm", str(EXAMPLE_FARM), "--docker-host", docker_harness.docker_host,
             "--jenkins", mock_jenkins_server.url, "--farm-id", "cli-bad"]  # fmt: skip
    code, _, err = jds(capsys, "provision", "gradel && teamB", *where)
    assert code == 2
    assert "no agent template serves label 'gradel && teamB'" in err
    assert "teamB-gradle-tools" in err  # the nearest template is named
    assert "Traceback" not in err
    code, _, err = jds(capsys, "provision", "gradle &&", *where)
    assert code == 2
    assert "Traceback" not in err
    code, _, err = jds(capsys, "release", "no-such-agent", *where)
    assert code == 2
    assert "no agent called 'no-such-agent' in farm cli-bad" in err
    assert "the farm has no live agents" in err
    code, _, err = jds(capsys, "agents", "--farm", "/no/such/farm", "--jenkins", mock_jenkins_server.url)
    assert code == 2
    assert "Traceback" not in err
    code, _, err = jds(capsys, "agents", *where[:-2], "--farm-id", "bad id!")
    assert code == 2
    assert "farm id 'bad id!' is not accepted" in err


def test_prepull_names_each_host_and_image_and_fails_on_a_failed_pull(
    capsys: pytest.CaptureFixture[str], docker_harness: Harness, mock_jenkins_server: MockJenkinsServer
) -> None:
    where = ["--farm", str(EXAMPLE_FARM), "--docker-host", docker_harness.docker_host,
             "--jenkins", mock_jenkins_server.url, "--farm-id", "cli-prepull"]  # fmt: skip
    code, out, _ = jds(capsys, "prepull", "--top", "1", *where)
    assert code == 1  # registry.example.com does not exist here
    host = docker_harness.docker_host.removeprefix("unix://")
    assert out.startswith(f"{host}: registry.example.com/teama/node-web: failed: ")
