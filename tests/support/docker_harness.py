"""Pytest fixtures for the real Docker harness: engines, a Swarm and a registry on this machine.

The harness itself is ``scripts/docker-harness`` (see docs/testing.md, "The Docker harness").
The session fixture reuses a running harness, or starts one and stops it again at the end of
the session, so a test run leaves nothing behind that it did not find. A missing harness is a
test failure in CI (``CI=true``) and a skip elsewhere, with the command that starts it.
"""

from __future__ import annotations

import io
import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import attrs
import docker
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "scripts" / "docker-harness"
START_HINT = "start it with `sudo scripts/docker-harness up` (or run `scripts/test --docker` as root)"
UP_TIMEOUT = 600  # the first run builds the debootstrap agent base (about a minute here)

T = TypeVar("T")


@attrs.frozen
class Harness:
    """Where the running harness answers (read from its ``harness.env``)."""

    docker_host: str
    registry: str
    node_hosts: tuple[str, ...]
    busybox_image: str
    agent_image: str
    state_dir: Path

    @classmethod
    def from_env_file(cls, path: Path) -> Harness:
        values = dict(
            line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        return cls(
            docker_host=values["JDS_DOCKER_HOST"],
            registry=values["JDS_REGISTRY"],
            node_hosts=tuple(values["JDS_SWARM_NODES"].split(",")),
            busybox_image=values["JDS_TEST_BUSYBOX_IMAGE"],
            agent_image=values["JDS_TEST_AGENT_IMAGE"],
            state_dir=Path(values["JDS_HARNESS_DIR"]),
        )


@attrs.frozen
class SwarmNode:
    """One engine of the swarm: its node id, role, advertised address and a client on its socket."""

    id: str
    role: str
    addr: str
    client: docker.DockerClient


@attrs.frozen
class Swarm:
    """The swarm: a client on the manager and every node (manager first)."""

    manager: docker.DockerClient
    nodes: tuple[SwarmNode, ...]

    @property
    def workers(self) -> tuple[SwarmNode, ...]:
        return tuple(node for node in self.nodes if node.role == "worker")


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def missing(reason: str) -> None:
    """A component is missing: fail in CI, skip elsewhere; both say how to start it."""
    message = f"Docker harness: {reason}; {START_HINT}"
    if in_ci():
        pytest.fail(f"{message} (CI runs every Docker-backed test)", pytrace=False)
    pytest.skip(message)


def run_script(*args: str, timeout: float = UP_TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout, check=False)


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 60.0) -> T:
    """Poll ``probe`` until it returns a value; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not reached within {timeout:.0f} s")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def docker_harness() -> Iterator[Harness]:
    """The running harness; started here (and stopped at session end) if it was not running."""
    state = Path(os.environ.get("JDS_HARNESS_DIR", "/var/lib/jds-harness"))
    started = False
    if run_script("status", timeout=60).returncode != 0:
        if os.geteuid() != 0:
            missing("it is not running, and starting it needs root")
        # Outside CI the fixture does not apt-get install anything: it says what to run instead.
        up = run_script("up") if in_ci() else run_script("up", "--no-install")
        started = True
        if up.returncode != 0:
            run_script("down", timeout=120)
            missing(f"`scripts/docker-harness up` failed:\n{up.stderr[-3000:]}")
    harness = Harness.from_env_file(state / "harness.env")
    yield harness
    if started:
        down = run_script("down", timeout=120)
        if down.returncode != 0:
            pytest.fail(f"`scripts/docker-harness down` failed:\n{down.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="session")
def docker_engine(docker_harness: Harness) -> Iterator[docker.DockerClient]:
    """A docker SDK client on the harness's first engine (overlay2, the swarm manager)."""
    client = docker.DockerClient(base_url=docker_harness.docker_host, timeout=120)
    yield client
    client.close()


@pytest.fixture(scope="session")
def registry(docker_harness: Harness) -> str:
    """The harness registry as ``host:port`` (plain HTTP on loopback, insecure-allowed)."""
    return docker_harness.registry


@pytest.fixture(scope="session")
def swarm(docker_harness: Harness, docker_engine: docker.DockerClient) -> Iterator[Swarm]:
    """The swarm: the manager's client and every node with a client on its own engine."""
    clients = [docker_engine] + [
        docker.DockerClient(base_url=host, timeout=120) for host in docker_harness.node_hosts[1:]
    ]
    # NodeAddr is the address each engine advertises (the manager sees every worker's
    # connection come from 127.0.0.1, so the node's Status.Addr cannot tell them apart).
    swarm_info = {id(client): client.info()["Swarm"] for client in clients}
    by_id = {swarm_info[id(client)]["NodeID"]: client for client in clients}
    nodes = [
        SwarmNode(
            id=node.id,
            role=node.attrs["Spec"]["Role"],
            addr=swarm_info[id(by_id[node.id])]["NodeAddr"],
            client=by_id[node.id],
        )
        for node in docker_engine.nodes.list()
    ]
    nodes.sort(key=lambda node: (node.role != "manager", node.addr))
    yield Swarm(manager=docker_engine, nodes=tuple(nodes))
    for client in clients[1:]:
        client.close()


@contextmanager
def image_builder(engine: docker.DockerClient, base: str, prefix: str) -> Iterator[Callable[[str], str]]:
    """``build(body)``: build ``FROM base`` + body (no network) as a fresh tag; every image
    built is removed on exit."""
    tags: list[str] = []

    def build(body: str) -> str:
        tag = f"jds-test/{prefix}-{uuid.uuid4().hex[:10]}:t"
        dockerfile = f"FROM {base}\n{body}\n".encode()
        engine.images.build(
            fileobj=io.BytesIO(dockerfile), tag=tag, rm=True, forcerm=True, network_mode="none"
        )
        tags.append(tag)
        return tag

    try:
        yield build
    finally:
        for tag in tags:
            engine.images.remove(tag, force=True)
