"""A Swarm worker's dockerd (the harness's own node) is killed mid-provision and restarted:
the agent moves to another node within the retry budget, and once the worker is back the
reaper removes the failed attempt's container. Nothing is leaked.

The test sets up the Swarm state it relies on instead of assuming it: every node Ready and
active with no ``drydock`` label (restored afterwards), and the agent image held by the
victim alone, so that placement (image locality, then load, then node id, which is random
per Swarm) must pick the victim first whatever the harness ran before (scripts/demo, a
previous run, a test that was killed)."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator, Sequence

import docker
import pytest

from jenkins_docker_sdk.clients.docker import DockerEngine
from jenkins_docker_sdk.provisioning import DockerHost, SwarmBackend, reap
from jenkins_docker_sdk.provisioning.ownership import FARM
from tests.provisioning.conftest import (
    SSH_UNLESS_NEVER_READY,
    Farmhand,
    assert_nothing_leaked,
    provision_in_background,
    template,
)
from tests.provisioning.test_engine_crash import collect_quietly
from tests.support.docker_harness import Harness, run_script, wait_until

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def answers(url: str) -> bool:
    client = docker.DockerClient(base_url=url, version="1.41", timeout=5)
    try:
        client.ping()
        return True
    except Exception:
        return False
    finally:
        client.close()


def holds(hosts: Sequence[DockerHost], name: str) -> bool | None:
    """True when ``name`` is among ``hosts`` (``None`` otherwise, for wait_until)."""
    return True if name in {host.name for host in hosts} else None


def holds_image(url: str, image: str) -> bool:
    engine = DockerEngine(url=url)
    try:
        return engine.image_digests(image) is not None
    finally:
        engine.close()


@pytest.fixture
def victim(
    docker_harness: Harness, swarm_backend: SwarmBackend, plain_swarm: None
) -> Iterator[tuple[str, str]]:
    """(node id, engine URL) of the last worker; restarted at the end whatever happened."""
    node_id, url = sorted(swarm_backend.endpoints.items(), key=lambda item: item[1])[-1]
    yield node_id, url
    if not answers(url):
        run_script("up", "--no-install")
    wait_until(lambda: answers(url) or None, "the worker's engine", timeout=90)
    collect_quietly()


def test_a_swarm_workers_dockerd_killed_mid_provision_and_restarted(
    farmhand: Farmhand,
    docker_harness: Harness,
    docker_engine: docker.DockerClient,
    swarm_backend: SwarmBackend,
    victim: tuple[str, str],
) -> None:
    victim_id, victim_url = victim
    image = f"{docker_harness.registry}/jds-test/crash-{farmhand.farm_id}:1"
    docker_engine.images.get(docker_harness.busybox_image).tag(image)
    docker_engine.images.push(image)  # what the other nodes pull: a ready agent
    docker_engine.images.remove(image)  # only the victim holds it: placement must pick it first
    for url in set(swarm_backend.endpoints.values()) - {victim_url}:
        assert not holds_image(url, image), f"{url} holds {image} before the test"
    worker = docker.DockerClient(base_url=victim_url, version="1.41")
    try:  # the victim's own copy, found there by placement first, never gets ready
        worker.images.pull(image)
        marked = worker.containers.create(image, ["touch", "/never-ready"])
        marked.start()
        marked.wait(timeout=30)
        marked.commit(*image.rsplit(":", 1))
        marked.remove()
    finally:
        worker.close()
    provisioner = farmhand.provisioner(
        [template(image, connector="ssh")],
        hosts=None,
        retries=2,
        host_recheck=0.0,
        ssh_ports=(29900, 29950),
        commands={"ssh": SSH_UNLESS_NEVER_READY},
        grace=0.0,
    )
    provisioner.backend = swarm_backend
    pidfile = docker_harness.state_dir / victim_url.removeprefix("unix://").split("/")[-2] / "dockerd.pid"
    watcher = docker.DockerClient(base_url=victim_url, version="1.41")
    thread, result = provision_in_background(provisioner, "web")
    try:
        mine = {"label": f"{FARM}={farmhand.farm_id}"}
        wait_until(
            lambda: watcher.api.containers(all=True, filters=mine) or None,
            "the agent container on the worker",
            timeout=90,
        )
        os.kill(int(pidfile.read_text()), signal.SIGKILL)
    finally:
        watcher.close()
        thread.join(timeout=180)
    agent = result.get("agent")
    assert agent is not None, result.get("error")
    assert agent.host != victim_id  # type: ignore[attr-defined]
    assert agent.attempts == 2  # type: ignore[attr-defined]  # within the budget of 1 + 2
    assert farmhand.nodes() == [agent.node]  # type: ignore[attr-defined]

    assert run_script("up", "--no-install").returncode == 0  # the worker comes back
    wait_until(lambda: answers(victim_url) or None, "the worker's engine", timeout=90)
    wait_until(lambda: holds(swarm_backend.hosts(), victim_id), "the worker Ready in the Swarm", timeout=90)
    wait_until(
        lambda: holds(provisioner.usable_hosts(), victim_id), "the worker back in placement", timeout=90
    )
    report = reap(provisioner)
    assert [(a.kind, a.host, a.reason) for a in report.actions] == [
        ("container", victim_id, "no Jenkins node")
    ]
    provisioner.release(agent.node)  # type: ignore[attr-defined]
    assert_nothing_leaked(farmhand)
    for url in swarm_backend.endpoints.values():
        engine = DockerEngine(url=url)
        try:
            engine.api.remove_image(image, force=True)
        except Exception:  # not on that node
            pass
        finally:
            engine.close()
