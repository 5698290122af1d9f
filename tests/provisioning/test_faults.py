"""Faults injected on real engines and MockJenkins: each scenario ends with nothing leaked
(no container, no Jenkins node) and with the attempts inside the retry budget."""

from __future__ import annotations

import attrs
import pytest

from jenkins_docker_sdk.errors import JenkinsPermissionError, ProvisioningFailedError, TemplateSuspendedError
from tests.provisioning.conftest import JNLP_STAND_IN, Farmhand, assert_nothing_leaked, template
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker

#: A jnlp agent whose command dies once it has its secret (an image without Java, say).
JNLP_EXITS = ("sh", "-c", "while [ ! -s {secret_file} ]; do sleep 0.05; done; exit 3")


def node_creations(farmhand: Farmhand) -> list[int | None]:
    """The status of every node creation request MockJenkins answered."""
    return [
        r.status for r in farmhand.server.jenkins.request_log if r.path.endswith("/computer/doCreateItem")
    ]


def test_image_pull_fails(farmhand: Farmhand, docker_harness: Harness) -> None:
    missing = f"{docker_harness.registry}/jds-test/no-such-image:{farmhand.farm_id}"
    provisioner = farmhand.provisioner([template(missing)], retries=2, failure_threshold=10)
    with pytest.raises(ProvisioningFailedError, match="cannot pull") as caught:
        provisioner.provision("web")
    assert len(caught.value.failures) == 3  # the first attempt and two retries
    assert len(node_creations(farmhand)) == 3
    assert_nothing_leaked(farmhand)


def test_pull_strategy_never_refuses_a_missing_image(farmhand: Farmhand, docker_harness: Harness) -> None:
    missing = f"{docker_harness.registry}/jds-test/no-such-image:{farmhand.farm_id}"
    provisioner = farmhand.provisioner([template(missing)], retries=0, pull="never")
    with pytest.raises(ProvisioningFailedError, match="pull strategy is never"):
        provisioner.provision("web")
    assert_nothing_leaked(farmhand)


def test_container_exits_at_start(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner(
        [template(busybox, connector="jnlp")], retries=1, failure_threshold=10, commands={"jnlp": JNLP_EXITS}
    )
    with pytest.raises(
        ProvisioningFailedError, match="stopped with code 3 before its agent was ready"
    ) as caught:
        provisioner.provision("web")
    assert len(caught.value.failures) == 2
    assert_nothing_leaked(farmhand)


def test_readiness_times_out(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner(
        [template(busybox, connector="ssh")],
        retries=1,
        failure_threshold=10,
        readiness_timeout=0.5,
        ssh_ports=(29900, 29950),
        commands={"ssh": ("sleep", "3600")},  # no sshd: the banner never comes
    )
    with pytest.raises(ProvisioningFailedError, match=r"\(ssh\) not ready within 0.5 s") as caught:
        provisioner.provision("web")
    assert len(caught.value.failures) == 2
    assert_nothing_leaked(farmhand)


def test_repeated_failures_suspend_the_template(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner(
        [template(busybox, connector="jnlp")],
        retries=5,
        failure_threshold=3,
        cooldown=300,
        commands={"jnlp": JNLP_EXITS},
    )
    with pytest.raises(
        TemplateSuspendedError, match="failed 3 times within 600 s and is suspended for 300 s"
    ):
        provisioner.provision("web")
    assert len(node_creations(farmhand)) == 3  # suspended at the third failure: no more retries
    assert set(provisioner.suspended()) == {"teamA-web"}
    with pytest.raises(TemplateSuspendedError, match="is suspended for another"):
        provisioner.provision("web")
    assert len(node_creations(farmhand)) == 3  # nothing tried while suspended
    assert_nothing_leaked(farmhand)


def test_suspension_ends_after_the_cool_down(farmhand: Farmhand, busybox: str) -> None:
    now = [1_000_000.0]
    provisioner = farmhand.provisioner(
        [template(busybox, connector="jnlp")], retries=0, failure_threshold=1, cooldown=300
    )
    provisioner.clock = lambda: now[0]
    provisioner.settings = attrs.evolve(provisioner.settings, commands={"jnlp": JNLP_EXITS})
    with pytest.raises(TemplateSuspendedError):
        provisioner.provision("web")
    now[0] += 301
    provisioner.settings = attrs.evolve(provisioner.settings, commands={"jnlp": JNLP_STAND_IN})  # fixed
    agent = provisioner.provision("web")
    provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


@pytest.mark.parametrize("status", [500, 409])
def test_jenkins_fails_node_creation_once(farmhand: Farmhand, busybox: str, status: int) -> None:
    farmhand.server.jenkins.fail("POST", r"/computer/doCreateItem$", status=status, times=1)
    provisioner = farmhand.provisioner([template(busybox)], retries=2)
    agent = provisioner.provision("web")
    # a 500 is retried by the Jenkins adapter within the attempt; a 409 ends the attempt
    assert agent.attempts == (1 if status == 500 else 2)
    assert node_creations(farmhand) == [status, 302]  # Jenkins redirects to the node list
    provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


def test_jenkins_keeps_failing_node_creation(farmhand: Farmhand, busybox: str) -> None:
    farmhand.server.jenkins.fail("POST", r"/computer/doCreateItem$", status=500, times=None)
    provisioner = farmhand.provisioner([template(busybox)], retries=1)
    with pytest.raises(ProvisioningFailedError, match="500") as caught:
        provisioner.provision("web")
    assert len(caught.value.failures) == 2
    assert len(node_creations(farmhand)) == 2 * 3  # 2 attempts, each sent 3 times by the adapter
    assert provisioner.suspended() == {}  # the controller's fault is not the template's
    farmhand.server.jenkins.clear_faults()
    assert_nothing_leaked(farmhand)


def test_permission_denied_is_not_retried(farmhand: Farmhand, busybox: str) -> None:
    farmhand.server.jenkins.deny("Agent/Create")
    provisioner = farmhand.provisioner([template(busybox)], retries=3)
    with pytest.raises(JenkinsPermissionError, match="Agent/Create"):
        provisioner.provision("web")
    assert node_creations(farmhand) == [403]
    assert_nothing_leaked(farmhand)
