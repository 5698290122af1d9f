"""A Swarm worker's dockerd (the harness's own node) is killed mid-provision and restarted:
the agent moves to another node within the retry budget, and once the worker is back the
reaper removes the failed attempt's container. Nothing is leaked."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import docker
import pytest

from jenkins_docker_sdk.clients.docker import DockerEngine
from jenkins_docker_sdk.provisioning import SwarmBackend, reap
from jenkins_docker_sdk.provisioning.ownership import FARM
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template
from tests.provisioning.test_engine_crash import collect_quietly
from tests.support.docker_harness import Harness, run_script

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]

# ssh stand-in: never ready where /never-ready exists (the victim's copy of the image)
COMMAND = (
    "sh",
    "-c",
    "test -e /never-ready && exec sleep 3600; echo SSH-2.0-standin | nc -l -p {port}; exec sleep 3600",
)


def wait_for(condition: Callable[[], object], what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def answers(url: str) -> bool:
    client = docker.DockerClient(base_url=url, version="1.41", timeout=5)
    try:
        client.ping()
        return True
    except Exception:
        return False
    finally:
        client.close()


@pytest.fixture
def victim(docker_harness: Harness, swarm_backend: SwarmBackend) -> Iterator[tuple[str, str]]:
    """(node id, engine URL) of the last worker; restarted at the end whatever happened."""
    node_id, url = sorted(swarm_backend.endpoints.items(), key=lambda item: item[1])[-1]
    yield node_id, url
    if not answers(url):
        run_script("up", "--no-install")
    wait_for(lambda: answers(url), "the worker's engine")
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
        commands={"ssh": COMMAND},
        grace=0.0,
    )
    provisioner.backend = swarm_backend
    pidfile = docker_harness.state_dir / victim_url.removeprefix("unix://").split("/")[-2] / "dockerd.pid"
    result: dict[str, object] = {}

    def provision() -> None:
        try:
            result["agent"] = provisioner.provision("web")
        except Exception as exc:  # reported by the assertions below
            result["error"] = exc

    thread = threading.Thread(target=provision)
    watcher = docker.DockerClient(base_url=victim_url, version="1.41")
    thread.start()
    try:
        mine = {"label": f"{FARM}={farmhand.farm_id}"}
        wait_for(lambda: watcher.api.containers(all=True, filters=mine), "the agent container on the worker")
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
    wait_for(lambda: answers(victim_url), "the worker's engine")
    wait_for(lambda: victim_id in {h.name for h in swarm_backend.hosts()}, "the worker Ready in the Swarm")
    wait_for(
        lambda: victim_id in {h.name for h in provisioner.usable_hosts()}, "the worker back in placement"
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


@pytest.fixture
def swarm_backend(docker_harness: Harness) -> Iterator[SwarmBackend]:
    endpoints = {}
    for url in docker_harness.node_hosts:
        client = docker.DockerClient(base_url=url, version="1.41")
        try:
            endpoints[client.info()["Swarm"]["NodeID"]] = url
        finally:
            client.close()
    backend = SwarmBackend(manager=DockerEngine(url=docker_harness.docker_host), endpoints=endpoints)
    yield backend
    backend.close()
