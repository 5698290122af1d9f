"""A worker's dockerd is killed mid-provision and restarted (a private engine, never a shared one)."""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Iterator

import pytest

from jenkins_docker_sdk.errors import CapacityError
from jenkins_docker_sdk.provisioning import DockerHost, reap
from jenkins_docker_sdk.provisioning.ownership import FARM
from tests.provisioning.conftest import (
    SSH_UNLESS_NEVER_READY,
    Farmhand,
    assert_nothing_leaked,
    provision_in_background,
    template,
)
from tests.support.docker_harness import Harness, wait_until
from tests.support.private_dockerd import PrivateDockerd

pytestmark = [
    pytest.mark.docker,
    pytest.mark.slow,
    # docker-py's unix-socket connection leaves its socket to the garbage collector when the
    # engine refuses the connect (the killed dockerd): a ResourceWarning, not a leak of ours.
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture
def quiet_gc() -> Iterator[None]:
    """Set up first, torn down last: collects what docker-py left after every other teardown."""
    yield
    collect_quietly()


@pytest.fixture
def private_engine(docker_harness: Harness, docker_engine) -> Iterator[PrivateDockerd]:  # type: ignore[no-untyped-def]
    engine = PrivateDockerd()
    try:
        engine.start()
        client = engine.client()
        try:
            # the harness busybox, and a marker that makes agents on this engine never ready
            archive = io.BytesIO(
                b"".join(
                    docker_engine.images.get(docker_harness.busybox_image).save(
                        named=docker_harness.busybox_image
                    )
                )
            )
            client.images.load(archive.getvalue())
            marked = client.containers.create(docker_harness.busybox_image, ["touch", "/never-ready"])
            marked.start()
            marked.wait(timeout=30)
            marked.commit(*docker_harness.busybox_image.split(":"))
            marked.remove()
        finally:
            client.close()
        yield engine
    finally:
        engine.stop()
        collect_quietly()


def test_engine_killed_mid_provision_and_restarted(
    quiet_gc: None, farmhand: Farmhand, private_engine: PrivateDockerd, docker_harness: Harness
) -> None:
    hosts = [
        DockerHost.from_url(private_engine.url, name="a-private"),  # placed first: same load, name first
        DockerHost.from_url(docker_harness.docker_host, name="b-node1"),
    ]
    provisioner = farmhand.provisioner(
        [template(docker_harness.busybox_image, connector="ssh")],
        hosts=hosts,
        retries=2,
        host_recheck=0.0,
        ssh_ports=(29800, 29850),
        commands={"ssh": SSH_UNLESS_NEVER_READY},
        grace=0.0,
    )
    watcher = private_engine.client()
    on_private = {"label": f"{FARM}={farmhand.farm_id}"}
    thread, result = provision_in_background(provisioner, "web")
    try:
        wait_until(
            lambda: watcher.api.containers(all=True, filters=on_private) or None,
            "the agent container on the private engine",
        )
        private_engine.kill()
    finally:
        watcher.close()
        thread.join(timeout=120)
    agent = result.get("agent")
    assert agent is not None, result.get("error")
    assert agent.host == "b-node1"  # type: ignore[attr-defined]
    assert agent.attempts == 2  # type: ignore[attr-defined]
    assert farmhand.nodes() == [agent.node]  # type: ignore[attr-defined]

    private_engine.start()  # the engine comes back with the container of the failed attempt
    left = private_engine.client()
    try:
        assert len(left.api.containers(all=True, filters=on_private)) == 1
        assert [h.name for h in provisioner.usable_hosts()] == ["a-private", "b-node1"]  # back in placement
        report = reap(provisioner)
        assert [(a.kind, a.host, a.reason) for a in report.actions] == [
            ("container", "a-private", "no Jenkins node")
        ]
        assert left.api.containers(all=True, filters=on_private) == []
    finally:
        left.close()
    provisioner.release(agent.node)  # type: ignore[attr-defined]
    assert_nothing_leaked(farmhand)
    collect_quietly()


def collect_quietly() -> None:
    """Collect the sockets docker-py left behind on refused connects, here and not in a later test."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def test_agents_on_a_dead_host_still_count_against_the_cap(
    quiet_gc: None, farmhand: Farmhand, private_engine: PrivateDockerd, docker_harness: Harness
) -> None:
    only_private = f"jds-test/prov-private-{farmhand.farm_id}:1"  # placement sends "web" there
    client = private_engine.client()
    try:
        client.images.get(docker_harness.busybox_image).tag(only_private)
    finally:
        client.close()
    hosts = [
        DockerHost.from_url(private_engine.url, name="a-private"),
        DockerHost.from_url(docker_harness.docker_host, name="b-node1"),
    ]
    templates = [template(only_private, name="web"), template(docker_harness.busybox_image, name="other")]
    provisioner = farmhand.provisioner(templates, hosts=hosts, cloud_cap=3, pull="never")
    on_private = [provisioner.provision("web") for _ in range(2)]
    assert {a.host for a in on_private} == {"a-private"}
    private_engine.kill()
    third = provisioner.provision("other")
    assert third.host == "b-node1"
    with pytest.raises(CapacityError, match="runs 3 agents: the cloud cap of 3 is reached"):
        provisioner.provision("other")  # the dead host's two agents still count
    provisioner.release(third)
    private_engine.start()
    for agent in on_private:
        provisioner.release(agent)
    assert_nothing_leaked(farmhand)
    collect_quietly()
