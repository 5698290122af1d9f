"""The Docker harness itself: a real engine, registry and swarm, and the images it builds."""

from __future__ import annotations

import contextlib
import uuid
from typing import Any

import docker
import pytest
import requests

from tests.support.docker_harness import Harness, Swarm, wait_until

pytestmark = pytest.mark.docker


def run_once(client: docker.DockerClient, image: str, command: list[str]) -> tuple[int, str]:
    """Run ``command`` in a fresh container without network; returns (exit code, output)."""
    container = client.containers.run(image, command, network_mode="none", detach=True)
    try:
        status = container.wait(timeout=120)
        output = container.logs().decode("utf-8", "replace")
    finally:
        container.remove(force=True)
    return status["StatusCode"], output


def test_engine_runs_a_busybox_container_and_removes_it(
    docker_engine: docker.DockerClient, docker_harness: Harness
) -> None:
    assert docker_engine.info()["Driver"] == "overlay2"
    container = docker_engine.containers.run(
        docker_harness.busybox_image,
        ["sh", "-c", "echo hello from busybox; exit 3"],
        network_mode="none",
        detach=True,
    )
    assert container.wait(timeout=120)["StatusCode"] == 3
    assert container.logs() == b"hello from busybox\n"

    container.remove()

    assert container.id not in {c.id for c in docker_engine.containers.list(all=True)}
    with pytest.raises(docker.errors.NotFound):
        docker_engine.containers.get(container.id)


def test_registry_accepts_a_push_and_a_pull(
    docker_engine: docker.DockerClient, swarm: Swarm, registry: str, docker_harness: Harness
) -> None:
    repository = f"{registry}/jds-test/push-pull"
    tag = uuid.uuid4().hex[:12]
    reference = f"{repository}:{tag}"
    image = docker_engine.images.get(docker_harness.busybox_image)
    other = swarm.workers[0].client  # a different engine, so the pull really downloads
    try:
        assert image.tag(repository, tag)
        events = list(docker_engine.images.push(repository, tag=tag, stream=True, decode=True))
        errors = [event["error"] for event in events if "error" in event]
        assert not errors
        digest = next(event["aux"]["Digest"] for event in events if "Digest" in event.get("aux", {}))

        tags = requests.get(f"http://{registry}/v2/jds-test/push-pull/tags/list", timeout=30).json()
        assert tag in tags["tags"]

        pulled = other.images.pull(repository, tag=tag)
        assert pulled.id == image.id
        assert f"{repository}@{digest}" in pulled.attrs["RepoDigests"]
    finally:
        for client in (docker_engine, other):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(reference)


def test_swarm_has_every_node_ready(swarm: Swarm) -> None:
    nodes = swarm.manager.nodes.list()
    assert len(nodes) == len(swarm.nodes) >= 3
    assert {node.attrs["Status"]["State"] for node in nodes} == {"ready"}
    roles = sorted(node.attrs["Spec"]["Role"] for node in nodes)
    assert roles == ["manager"] + ["worker"] * (len(nodes) - 1)
    assert len({node.addr for node in swarm.nodes}) == len(nodes)  # one loopback address each


def test_swarm_runs_a_one_shot_task_on_a_worker_and_removes_it(
    swarm: Swarm, registry: str, docker_harness: Harness
) -> None:
    worker = swarm.workers[-1]
    image = f"{registry}/{docker_harness.busybox_image}"  # workers pull it from the registry
    service = swarm.manager.services.create(
        image,
        ["sh", "-c", "echo one-shot done"],
        name=f"jds-test-oneshot-{uuid.uuid4().hex[:8]}",
        constraints=[f"node.id=={worker.id}"],
        restart_policy=docker.types.RestartPolicy(condition="none"),
        labels={"io.jenkins-docker-sdk.test": "harness"},
    )
    service_filter = {"label": f"com.docker.swarm.service.id={service.id}"}
    try:

        def finished() -> dict[str, Any] | None:
            tasks = service.tasks()
            done = [t for t in tasks if t["Status"]["State"] in {"complete", "failed", "rejected"}]
            return done[0] if done else None

        task = wait_until(finished, f"the task of service {service.name} finishing")
        assert task["Status"]["State"] == "complete", task["Status"]
        assert task["NodeID"] == worker.id
        assert task["Status"]["ContainerStatus"]["ExitCode"] == 0
        # the container ran on the worker's own engine, not on the manager
        assert worker.client.containers.list(all=True, filters=service_filter)
        assert not swarm.manager.containers.list(all=True, filters=service_filter)
    finally:
        service.remove()

    def gone() -> bool | None:
        left = worker.client.containers.list(all=True, filters=service_filter)
        return True if not left else None

    wait_until(gone, f"the worker removing the task container of {service.name}")
    assert service.id not in {s.id for s in swarm.manager.services.list()}


def test_agent_base_from_debootstrap_has_bash_apt_git_and_java(
    docker_engine: docker.DockerClient, docker_harness: Harness
) -> None:
    script = "bash --version | head -n1; apt-get --version | head -n1; git --version; java -version 2>&1"
    code, output = run_once(docker_engine, docker_harness.agent_image, ["bash", "-c", script])
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0].startswith("GNU bash, version 5.")
    assert lines[1].startswith("apt 2.")
    assert lines[2].startswith("git version 2.")
    assert 'openjdk version "17.' in output
    os_release = run_once(docker_engine, docker_harness.agent_image, ["cat", "/etc/os-release"])[1]
    assert "VERSION_CODENAME=bookworm" in os_release
