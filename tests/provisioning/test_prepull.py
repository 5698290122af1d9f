"""Pre-pulling the busiest templates' images, DryDock rules included (real engines)."""

from __future__ import annotations

import pytest

from jenkins_docker_sdk.model import Farm
from jenkins_docker_sdk.provisioning import DockerHost
from jenkins_docker_sdk.provisioning.prepull import busiest, prepull
from tests.provisioning.conftest import Farmhand, template
from tests.support.docker_harness import Harness


def test_busiest_templates_of_the_example_farm(example_farm: Farm) -> None:
    assert [t.name for t in busiest(example_farm, 3)] == [
        "teamA-node-web",
        "platform-drydock",
        "teamB-centos7-java",
    ]


@pytest.mark.docker
def test_prepull_warms_each_host_with_what_it_may_run(farmhand: Farmhand, docker_harness: Harness) -> None:
    image = f"{docker_harness.registry}/{docker_harness.busybox_image}"
    drydock = template(image, name="drydock", labels={"drydock"}, docker_socket=True)
    web = template(image, name="web")
    hosts = [
        DockerHost.from_url(docker_harness.node_hosts[1], name="dd", labels={"drydock"}),
        DockerHost.from_url(docker_harness.node_hosts[2], name="shared"),
    ]
    provisioner = farmhand.provisioner([drydock, web], hosts=hosts, pull="always")
    results = prepull(provisioner, [web, drydock])
    assert [(r.host, r.outcome) for r in results] == [("dd", "pulled"), ("shared", "pulled")]
    provisioner.settings = type(provisioner.settings)(farm_id=farmhand.farm_id, pull="if-missing")
    assert [r.outcome for r in prepull(provisioner, [web, drydock])] == ["present", "present"]
    missing = template(f"{docker_harness.registry}/jds-test/no-such-image:{farmhand.farm_id}", name="gone")
    (result,) = prepull(provisioner, [missing])
    assert result.host == "shared"
    assert result.outcome.startswith("failed: ")
