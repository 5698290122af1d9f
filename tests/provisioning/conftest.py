"""Fixtures for the provisioner tests: real engines of the harness, MockJenkins over HTTP.

Every test gets its own farm id, so tests running at the same time (and other engineers'
tests on the same engines) never see each other's agents; at the end every container of
that farm id is removed from every engine, and the tests assert that none was left.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import attrs
import docker
import pytest

from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
from jenkins_docker_sdk.clients.docker import DockerEngine
from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning import (
    DockerHost,
    ProvisionerSettings,
    SlaveProvisioner,
    StaticBackend,
    SwarmBackend,
)
from jenkins_docker_sdk.provisioning.ownership import FARM
from jenkins_docker_sdk.testing import MockJenkinsServer
from tests.support.docker_harness import Harness, wait_until

#: A jnlp agent stand-in: waits for its secret file like the real command, then idles.
JNLP_STAND_IN = ("sh", "-c", "while [ ! -s {secret_file} ]; do sleep 0.05; done; exec sleep 3600")
#: An ssh agent stand-in that answers with an SSH banner, except in an image that has
#: /never-ready: there it never gets ready (for the engine-crash tests).
SSH_UNLESS_NEVER_READY = (
    "sh",
    "-c",
    "test -e /never-ready && exec sleep 3600; echo SSH-2.0-standin | nc -l -p {port}; exec sleep 3600",
)


def template(image: str, name: str = "web", **kwargs: Any) -> AgentTemplate:
    """A template of teamA that serves every team (``shared``): tenancy has tests of its own."""
    values: dict[str, Any] = {
        "team": "teamA", "repo": name, "labels": {"linux", name}, "connector": "attach", "shared": True,
    }  # fmt: skip
    values.update(kwargs)
    return AgentTemplate(name=f"teamA-{name}", image=image, **values)


@attrs.define
class Farmhand:
    """Makes provisioners for one test's farm id and says what the farm left behind."""

    farm_id: str
    harness: Harness
    server: MockJenkinsServer
    clients: list[docker.DockerClient]
    made: list[SlaveProvisioner] = attrs.field(factory=list)

    def jenkins(self, **kwargs: Any) -> JenkinsClient:
        kwargs.setdefault("retry", RetryPolicy(retries=2, backoff=0.0))
        return JenkinsClient(url=self.server.url, timeout=10.0, **kwargs)

    def provisioner(
        self,
        templates: list[AgentTemplate],
        *,
        hosts: list[DockerHost] | None = None,
        **settings: Any,
    ) -> SlaveProvisioner:
        settings.setdefault("backoff", 0.0)
        settings.setdefault("readiness_timeout", 30.0)
        settings.setdefault("commands", {"jnlp": JNLP_STAND_IN})
        backend = StaticBackend(fixed=hosts or [DockerHost.from_url(self.harness.docker_host)])
        provisioner = SlaveProvisioner(
            templates=templates,
            backend=backend,
            jenkins=self.jenkins(),
            settings=ProvisionerSettings(farm_id=self.farm_id, **settings),
        )
        self.made.append(provisioner)
        return provisioner

    def containers(self) -> list[str]:
        """Names of this farm's containers on every engine of the harness."""
        wanted = {"label": f"{FARM}={self.farm_id}"}
        return sorted(
            entry["Names"][0].lstrip("/")
            for client in self.clients
            for entry in client.api.containers(all=True, filters=wanted)
        )

    def nodes(self) -> list[str]:
        return sorted(self.server.jenkins.nodes)


def assert_nothing_leaked(farmhand: Farmhand) -> None:
    """No container of the test's farm on any engine, no node on the controller."""
    assert farmhand.containers() == []
    assert farmhand.nodes() == []


@pytest.fixture
def farmhand(docker_harness: Harness, mock_jenkins_server: MockJenkinsServer) -> Iterator[Farmhand]:
    clients = [docker.DockerClient(base_url=url, version="1.41") for url in docker_harness.node_hosts]
    hand = Farmhand(f"t-{uuid.uuid4().hex[:10]}", docker_harness, mock_jenkins_server, clients)
    try:
        yield hand
    finally:
        for provisioner in hand.made:
            provisioner.close()
        for client in clients:
            for container in client.containers.list(all=True, filters={"label": f"{FARM}={hand.farm_id}"}):
                container.remove(force=True)
            client.close()


@pytest.fixture
def busybox(docker_harness: Harness) -> str:
    return docker_harness.busybox_image


@pytest.fixture
def endpoints(docker_harness: Harness) -> dict[str, str]:
    """Swarm node id -> the URL of that node's engine."""
    found = {}
    for url in docker_harness.node_hosts:
        client = docker.DockerClient(base_url=url, version="1.41")
        try:
            found[client.info()["Swarm"]["NodeID"]] = url
        finally:
            client.close()
    return found


@pytest.fixture
def swarm_backend(docker_harness: Harness, endpoints: dict[str, str]) -> Iterator[SwarmBackend]:
    backend = SwarmBackend(manager=DockerEngine(url=docker_harness.docker_host), endpoints=endpoints)
    yield backend
    backend.close()


@pytest.fixture
def plain_swarm(
    docker_engine: docker.DockerClient, endpoints: dict[str, str], swarm_backend: SwarmBackend
) -> Iterator[None]:
    """Every node Ready, active and without a ``drydock`` label for the test; specs restored after.

    For tests whose placement depends on which nodes take agents: a node drained or labelled
    by a demo, a test that was killed or a person is made plain again, then put back as found.
    """
    nodes = [docker_engine.nodes.get(node_id) for node_id in endpoints]
    saved = {node.id: node.attrs["Spec"] for node in nodes}
    for node in nodes:
        spec = node.attrs["Spec"]
        labels = {k: v for k, v in spec.get("Labels", {}).items() if k != "drydock"}
        if spec.get("Availability") != "active" or labels != spec.get("Labels", {}):
            node.update({**spec, "Availability": "active", "Labels": labels})

    def plain() -> bool | None:
        hosts = swarm_backend.hosts()
        return (
            True if {h.name for h in hosts} == set(endpoints) and not any(h.drydock for h in hosts) else None
        )

    wait_until(plain, "every Swarm node Ready, active and not a DryDock host")
    yield
    for node in nodes:
        node.reload()
        if node.attrs["Spec"] != saved[node.id]:
            node.update(saved[node.id])


def provision_in_background(
    provisioner: SlaveProvisioner, label: str
) -> tuple[threading.Thread, dict[str, Any]]:
    """Start ``provisioner.provision(label)`` in a thread; the dict gets ``agent`` or ``error``."""
    result: dict[str, Any] = {}

    def provision() -> None:
        try:
            result["agent"] = provisioner.provision(label)
        except Exception as exc:  # reported by the test's assertions
            result["error"] = exc

    thread = threading.Thread(target=provision)
    thread.start()
    return thread, result
