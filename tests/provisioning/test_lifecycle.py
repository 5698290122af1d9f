"""One agent's lifecycle on a real engine: provision, ready, release, per connector."""

from __future__ import annotations

import logging

import attrs
import pytest

from jenkins_docker_sdk.clients.docker import ContainerSpec, DockerEngine
from jenkins_docker_sdk.credentials.masking import MASKER
from jenkins_docker_sdk.errors import DockerError, LabelResolutionError
from jenkins_docker_sdk.provisioning.connectors import ssh_banner
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template
from tests.support.docker_harness import Harness

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


def test_container_carries_ownership_labels_and_limits(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox, memory_mb=64, cpus=0.5)])
    agent = provisioner.provision("web")
    attrs = farmhand.clients[0].api.inspect_container(agent.node)
    labels = attrs["Config"]["Labels"]
    assert labels["io.jenkins-docker-sdk.farm"] == farmhand.farm_id
    assert labels["io.jenkins-docker-sdk.template"] == "teamA-web"
    assert labels["io.jenkins-docker-sdk.node"] == agent.node
    assert float(labels["io.jenkins-docker-sdk.created"]) == pytest.approx(agent.created, abs=0.01)
    assert attrs["HostConfig"]["Memory"] == 64 * 1024 * 1024
    assert attrs["HostConfig"]["NanoCpus"] == 500_000_000
    assert attrs["HostConfig"]["NetworkMode"] == "host"
    assert not any("docker.sock" in bind for bind in attrs["HostConfig"]["Binds"] or [])
    node = farmhand.server.jenkins.nodes[agent.node]
    assert set(node.labels) == {"linux", "web"}
    provisioner.release(agent.node)


def test_jnlp_secret_reaches_the_agent_as_a_file_only(
    farmhand: Farmhand, busybox: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    provisioner = farmhand.provisioner([template(busybox, connector="jnlp")])
    agent = provisioner.provision("web")
    secret = farmhand.jenkins().agent_secret(agent.node)
    assert secret not in caplog.text  # nothing logged it, at any level
    assert secret not in repr(agent) + repr(provisioner)
    container = farmhand.clients[0].containers.get(agent.node)
    inspected = str(farmhand.clients[0].api.inspect_container(agent.node))
    assert secret not in inspected  # not in the environment, labels or command
    code, output = container.exec_run(["cat", "/run/jds-agent/secret"])
    assert (code, output.decode()) == (0, secret)
    code, output = container.exec_run(
        ["sh", "-c", "stat -c %a /run/jds-agent/secret; grep jds-agent /proc/mounts"]
    )
    mode, mount = output.decode().splitlines()
    assert mode == "400"  # written by the CredentialInjector's SecretDelivery, for the agent's user
    assert mount.startswith("tmpfs /run/jds-agent tmpfs")
    assert MASKER.mask(f"agent secret: {secret}") == "agent secret: ****"  # registered for masking
    provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


def test_ssh_agent_is_ready_when_sshd_answers(farmhand: Farmhand, docker_harness: Harness) -> None:
    base = 22000 + int(farmhand.farm_id[2:6], 16) % 900
    provisioner = farmhand.provisioner(
        [template(docker_harness.agent_image, connector="ssh")], ssh_ports=(base, base + 50)
    )
    agent = provisioner.provision("web")
    assert agent.port == base
    config = farmhand.server.jenkins.nodes[agent.node].config_xml
    assert "hudson.plugins.sshslaves.SSHLauncher" in config
    assert f"<port>{base}</port>" in config
    assert "<host>127.0.0.1</host>" in config
    assert ssh_banner("127.0.0.1", base)
    provisioner.release(agent.node)
    assert_nothing_leaked(farmhand)


def test_unknown_label_names_the_templates(farmhand: Farmhand, busybox: str) -> None:
    provisioner = farmhand.provisioner([template(busybox)])
    with pytest.raises(LabelResolutionError, match=r"(?s)no agent template serves label .wbe..*teamA-web"):
        provisioner.provision("wbe")
    assert_nothing_leaked(farmhand)


def test_engine_steps_are_safe_to_repeat(farmhand: Farmhand, busybox: str, docker_harness: Harness) -> None:
    engine = DockerEngine(url=docker_harness.docker_host)
    labels = {"io.jenkins-docker-sdk.farm": farmhand.farm_id, "io.jenkins-docker-sdk.node": "n"}
    spec = ContainerSpec(name=f"{farmhand.farm_id}-n", image=busybox, command=("sleep", "60"), labels=labels)
    try:
        first = engine.create(spec)
        assert engine.create(spec) == first  # an earlier attempt's container: taken as created
        with pytest.raises(DockerError, match="Conflict"):
            engine.create(attrs.evolve(spec, labels={**labels, "io.jenkins-docker-sdk.node": "other"}))
        engine.start(first)
        engine.start(first)  # started twice: a no-op
        assert engine.processes(first) == ["sleep 60"]
        assert engine.remove(first) is True
        assert engine.remove(first) is False  # removed twice: nothing to do
        assert engine.processes(first) is None
    finally:
        engine.remove(spec.name)
        engine.close()
    assert_nothing_leaked(farmhand)
