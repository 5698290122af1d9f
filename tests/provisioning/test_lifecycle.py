"""One agent's lifecycle on a real engine: provision, ready, release, per connector."""

from __future__ import annotations

import pytest

from tests.provisioning.conftest import Farmhand, template

pytestmark = pytest.mark.docker


def test_attach_agent_is_provisioned_and_released(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)])
    agent = provisioner.provision("linux && web")
    assert agent.attempts == 1
    assert farmhand.containers() == [agent.node]
    assert farmhand.nodes() == [agent.node]
    assert [a.node for a in provisioner.agents()] == [agent.node]

    assert provisioner.release(agent.node) is True
    assert farmhand.containers() == []
    assert farmhand.nodes() == []
    assert provisioner.release(agent.node) is False  # twice is fine
