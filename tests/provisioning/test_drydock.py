"""DryDock: agents of docker jobs run only on DryDock hosts, and only they see the Docker socket."""

from __future__ import annotations

import pytest

from jenkins_docker_sdk.errors import LabelResolutionError, ProvisioningError
from jenkins_docker_sdk.provisioning import DockerHost
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker


def socket_mounts(farmhand: Farmhand, harness: Harness) -> dict[str, list[str]]:
    """Container name -> its binds that mount a Docker socket, over every engine."""
    mounts = {}
    for client in farmhand.clients:
        for entry in client.api.containers(
            all=True, filters={"label": f"io.jenkins-docker-sdk.farm={farmhand.farm_id}"}
        ):
            binds = client.api.inspect_container(entry["Id"])["HostConfig"]["Binds"] or []
            mounts[entry["Names"][0].lstrip("/")] = [b for b in binds if "docker.sock" in b]
    return mounts


def test_only_drydock_agents_get_the_socket_and_only_on_drydock_hosts(
    farmhand: Farmhand, docker_harness: Harness
) -> None:
    busybox = f"{docker_harness.registry}/{docker_harness.busybox_image}"  # workers pull it
    drydock = template(busybox, name="drydock", labels={"drydock", "docker"}, docker_socket=True)
    web = template(busybox, name="web", labels={"linux", "web"})
    hosts = [
        DockerHost.from_url(docker_harness.node_hosts[0], name="dd", labels={"drydock"}),
        DockerHost.from_url(docker_harness.node_hosts[1], name="shared"),
    ]
    provisioner = farmhand.provisioner([drydock, web], hosts=hosts)
    builder = provisioner.provision("drydock", docker=True)
    agents = [provisioner.provision("web") for _ in range(4)]
    assert builder.host == "dd"
    assert {a.host for a in agents} == {"shared"}  # never on the DryDock host, though it is idle
    mounts = socket_mounts(farmhand, docker_harness)
    assert mounts.pop(builder.node) == [
        f"{docker_harness.node_hosts[0].removeprefix('unix://')}:/var/run/docker.sock"
    ]
    assert all(binds == [] for binds in mounts.values())
    code, _ = (
        farmhand.clients[0].containers.get(builder.node).exec_run(["test", "-S", "/var/run/docker.sock"])
    )
    assert code == 0
    for agent in [builder, *agents]:
        provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


def test_docker_jobs_need_a_drydock_host_and_template(farmhand: Farmhand, busybox: str) -> None:
    drydock = template(busybox, name="drydock", labels={"drydock"}, docker_socket=True)
    web = template(busybox, name="web", labels={"linux"})
    provisioner = farmhand.provisioner([drydock, web])  # one shared host, no DryDock host
    with pytest.raises(ProvisioningError, match="no reachable DryDock host for template teamA-drydock"):
        provisioner.provision("drydock", docker=True)
    with pytest.raises(LabelResolutionError, match="no DryDock template"):
        provisioner.provision("linux", docker=True)
    assert_nothing_leaked(farmhand)
