"""The reaper on real engines: orphans either side, overdue and crashed agents; only its farm's."""

from __future__ import annotations

import attrs
import pytest

from jenkins_docker_sdk.provisioning import reap
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template

pytestmark = pytest.mark.docker


def kinds(report) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return sorted((a.kind, a.reason) for a in report.actions)


def test_container_without_node_is_reaped_after_the_grace_period(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)], grace=3600)
    agent = provisioner.provision("web")
    farmhand.jenkins().delete_node(agent.node)  # a release that died half-way
    assert reap(provisioner).actions == ()  # still inside the grace period
    provisioner.settings = attrs.evolve(provisioner.settings, grace=0.0)
    dry = reap(provisioner, dry_run=True)
    assert kinds(dry) == [("container", "no Jenkins node")]
    assert not dry.actions[0].done
    assert farmhand.containers() == [agent.node]  # a dry run removes nothing
    report = reap(provisioner)
    assert [(a.node, a.done) for a in report.actions] == [(agent.node, True)]
    assert_nothing_leaked(farmhand)


def test_node_without_container_is_reaped(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)], grace=0.0)
    agent = provisioner.provision("web")
    farmhand.clients[0].api.remove_container(agent.node, force=True)  # the engine lost it
    assert [a.state for a in provisioner.agents()] == ["no container"]
    assert kinds(reap(provisioner)) == [("node", "no container")]
    assert_nothing_leaked(farmhand)


def test_overdue_and_crashed_agents_are_reaped(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)], grace=0.0, max_lifetime=3600)
    overdue = provisioner.provision("web")
    crashed = provisioner.provision("web")
    farmhand.clients[0].api.kill(crashed.node)
    farmhand.clients[0].api.wait(crashed.node, timeout=30)
    clock = provisioner.clock
    provisioner.clock = lambda: overdue.created + 1800  # the overdue agent is 30 min old: nothing yet
    assert kinds(reap(provisioner)) == [("container", "container exited"), ("node", "container exited")]
    provisioner.clock = lambda: overdue.created + 3601
    assert kinds(reap(provisioner)) == [
        ("container", "older than the maximum lifetime (3600 s)"),
        ("node", "older than the maximum lifetime (3600 s)"),
    ]
    provisioner.clock = clock
    assert_nothing_leaked(farmhand)


def test_reaper_touches_only_its_own_farm(farmhand: Farmhand, busybox: str) -> None:
    ours = farmhand.provisioner([template(busybox)], grace=0.0)
    theirs = farmhand.provisioner([template(busybox)], grace=0.0)
    theirs.settings = attrs.evolve(theirs.settings, farm_id=farmhand.farm_id + "-other")
    farmhand.server.jenkins.add_node("static-builder", labels="linux web")
    other = theirs.provision("web")
    farmhand.jenkins().delete_node(other.node)  # an orphan, but not ours
    try:
        assert reap(ours).actions == ()
        assert "static-builder" in farmhand.server.jenkins.nodes
        assert [a.node for a in reap(theirs).actions] == [other.node]
    finally:
        theirs.release(other.node)
    assert farmhand.nodes() == ["static-builder"]
