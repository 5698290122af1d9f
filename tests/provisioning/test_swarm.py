"""The Swarm backend on the harness's 3-node Swarm: containers on chosen nodes, placed by
image locality first and load second."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docker
import pytest

from jenkins_docker_sdk.clients.docker import DockerEngine
from jenkins_docker_sdk.provisioning import SwarmBackend
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker


@pytest.mark.usefixtures("plain_swarm")
def test_swarm_nodes_are_the_hosts(swarm_backend: SwarmBackend, endpoints: dict[str, str]) -> None:
    hosts = swarm_backend.hosts()
    assert {h.name for h in hosts} == set(endpoints)
    assert {h.engine.url for h in hosts} == set(endpoints.values())
    assert not any(h.drydock for h in hosts)  # no node is labelled drydock=true


@pytest.mark.usefixtures("plain_swarm")
def test_agents_go_where_the_image_is_then_to_the_least_loaded_node(
    farmhand: Farmhand,
    docker_harness: Harness,
    docker_engine: docker.DockerClient,
    swarm_backend: SwarmBackend,
    endpoints: dict[str, str],
) -> None:
    # an image only the last worker holds (never pushed: the other nodes cannot pull it)
    local_only = f"jds-test/prov-locality-{farmhand.farm_id}:1"
    last_id, last_url = sorted(endpoints.items(), key=lambda item: item[1])[-1]
    archive = b"".join(
        docker_engine.images.get(docker_harness.busybox_image).save(named=docker_harness.busybox_image)
    )
    worker = docker.DockerClient(base_url=last_url, version="1.41")
    try:
        worker.images.load(io.BytesIO(archive).getvalue())
        worker.images.get(docker_harness.busybox_image).tag(local_only)
        shared = f"{docker_harness.registry}/{docker_harness.busybox_image}"
        for url in set(endpoints.values()) - {last_url}:  # on every other node, so load decides
            engine = DockerEngine(url=url)
            try:
                engine.pull(shared)
            finally:
                engine.close()
        provisioner = farmhand.provisioner(
            [template(local_only, name="local"), template(shared, name="shared")], hosts=None
        )
        provisioner.backend = swarm_backend
        local_agents = [provisioner.provision("local") for _ in range(2)]
        assert {a.host for a in local_agents} == {last_id}  # the holder wins over lighter nodes
        assert all(a.attempts == 1 for a in local_agents)  # no pull was tried elsewhere
        spread = [provisioner.provision("shared") for _ in range(2)]
        assert {a.host for a in spread} == set(endpoints) - {last_id}  # then the least loaded
        for agent in local_agents + spread:
            provisioner.release(agent.node)
        assert_nothing_leaked(farmhand)
    finally:
        worker.images.remove(local_only)
        worker.close()


@pytest.fixture
def drydock_node(
    docker_engine: docker.DockerClient, endpoints: dict[str, str], plain_swarm: None
) -> Iterator[str]:
    """The last worker labelled drydock=true for the test (the label removed afterwards)."""
    node_id = sorted(endpoints.items(), key=lambda item: item[1])[-1][0]
    node = docker_engine.nodes.get(node_id)
    spec = node.attrs["Spec"]
    node.update({**spec, "Labels": {**spec.get("Labels", {}), "drydock": "true"}})
    try:
        yield node_id
    finally:
        node.reload()
        spec = node.attrs["Spec"]
        node.update({**spec, "Labels": {k: v for k, v in spec.get("Labels", {}).items() if k != "drydock"}})


def test_a_node_labelled_drydock_takes_the_docker_jobs_and_only_they_see_its_socket(
    farmhand: Farmhand,
    docker_harness: Harness,
    swarm_backend: SwarmBackend,
    endpoints: dict[str, str],
    drydock_node: str,
) -> None:
    assert {h.name for h in swarm_backend.hosts() if h.drydock} == {drydock_node}
    busybox = f"{docker_harness.registry}/{docker_harness.busybox_image}"  # every node pulls it
    drydock = template(busybox, name="drydock", labels={"drydock", "docker"}, docker_socket=True)
    web = template(busybox, name="web", labels={"linux", "web"})
    provisioner = farmhand.provisioner([drydock, web], hosts=None)
    provisioner.backend = swarm_backend
    builder = provisioner.provision("drydock", docker=True)
    agents = [provisioner.provision("web") for _ in range(4)]
    try:
        assert builder.host == drydock_node
        assert drydock_node not in {a.host for a in agents}  # never on the DryDock node
        for agent in [builder, *agents]:
            client = docker.DockerClient(base_url=endpoints[agent.host], version="1.41")
            try:
                binds = client.api.inspect_container(agent.node)["HostConfig"]["Binds"] or []
            finally:
                client.close()
            socket = endpoints[drydock_node].removeprefix("unix://")
            assert binds == ([f"{socket}:/var/run/docker.sock"] if agent is builder else [])
    finally:
        for agent in [builder, *agents]:
            provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)
