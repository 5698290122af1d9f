"""Caps per cloud, template and host hold under concurrent requests (real engine)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from jenkins_docker_sdk.errors import CapacityError
from jenkins_docker_sdk.provisioning import Agent, DockerHost
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template

pytestmark = pytest.mark.docker


class Peak:
    """Counts agents held at once, and the largest number seen on the engine while held."""

    def __init__(self, farmhand: Farmhand) -> None:
        self.farmhand = farmhand
        self.lock = threading.Lock()
        self.held = 0
        self.most_held = 0
        self.most_on_engine = 0

    def got(self) -> None:
        with self.lock:
            self.held += 1
            self.most_held = max(self.most_held, self.held)
        on_engine = len(self.farmhand.containers())
        with self.lock:
            self.most_on_engine = max(self.most_on_engine, on_engine)

    def gave_back(self) -> None:
        with self.lock:
            self.held -= 1


def test_fifty_concurrent_requests_never_exceed_a_cloud_cap_of_five(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)], cloud_cap=5)
    start = threading.Barrier(50)

    def once() -> Agent | None:
        start.wait(timeout=60)
        try:
            return provisioner.provision("web")
        except CapacityError:
            return None

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda _: once(), range(50)))
    agents = [a for a in results if a is not None]
    assert len(agents) == 5  # exactly the cap: 45 refused, none over
    assert len(farmhand.containers()) == 5
    for agent in agents:
        provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


def test_fifty_concurrent_lifecycles_share_five_places(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)], cloud_cap=5)
    peak = Peak(farmhand)
    refused = threading.Event()

    def lifecycle() -> str:
        while True:
            try:
                agent = provisioner.provision("web")
            except CapacityError:
                refused.set()
                threading.Event().wait(0.02)  # Jenkins' NodeProvisioner asks again later
                continue
            peak.got()
            peak.gave_back()
            provisioner.release(agent.node)
            return agent.node

    with ThreadPoolExecutor(max_workers=50) as pool:
        nodes = list(pool.map(lambda _: lifecycle(), range(50)))
    assert len(set(nodes)) == 50
    assert refused.is_set()
    assert peak.most_on_engine <= 5
    assert_nothing_leaked(farmhand)


def test_template_and_host_caps(farmhand: Farmhand, busybox: str, docker_harness) -> None:  # type: ignore[no-untyped-def]
    capped = template(busybox, name="capped", instance_cap=2)
    other = template(busybox, name="other")
    host = DockerHost.from_url(docker_harness.docker_host, max_containers=3)
    provisioner = farmhand.provisioner([capped, other], hosts=[host])

    def attempt(label: str) -> Agent | None:
        try:
            return provisioner.provision(label)
        except CapacityError:
            return None

    with ThreadPoolExecutor(max_workers=10) as pool:
        capped_agents = [a for a in pool.map(attempt, ["capped"] * 10) if a]
    assert len(capped_agents) == 2  # the template's cap
    with ThreadPoolExecutor(max_workers=10) as pool:
        other_agents = [a for a in pool.map(attempt, ["other"] * 10) if a]
    assert len(other_agents) == 1  # the host's cap of 3, two places taken
    with pytest.raises(CapacityError, match="every host for template teamA-other is at its cap"):
        provisioner.provision("other")
    for agent in capped_agents + other_agents:
        provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)
