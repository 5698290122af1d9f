"""Secrets handed to agent containers on the real engines of the harness: readable inside,
absent from ``docker inspect`` of the container, the service, its task and the secret."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import uuid

import docker
import pytest

from jenkins_docker_sdk.credentials.delivery import AgentSecret, DeliveryPolicy, SecretDelivery
from jenkins_docker_sdk.credentials.masking import SecretMasker
from jenkins_docker_sdk.errors import DeliveryRefused
from tests.support.docker_harness import Harness, Swarm, wait_until

pytestmark = pytest.mark.docker

TEST_LABEL = "io.jenkins-docker-sdk.test"


@pytest.fixture
def canary() -> str:
    return f"cAnArY-delivery-{uuid.uuid4().hex}"


@pytest.fixture
def run_id() -> str:
    return f"credentials-{uuid.uuid4().hex[:8]}"


def _leaks(document: object, canary: str) -> list[str]:
    text = json.dumps(document)
    forms = [canary, base64.b64encode(canary.encode()).decode()]
    return [form for form in forms if form in text]


def test_a_tmpfs_file_on_a_docker_host(
    docker_engine: docker.DockerClient, docker_harness: Harness, canary: str, run_id: str
) -> None:
    delivery = SecretDelivery(client=docker_engine, masker=SecretMasker())
    secret = AgentSecret("jnlp-secret", canary)
    digest = hashlib.sha256(canary.encode()).hexdigest()
    reader = ["sh", "-c", f'sha256sum "{delivery.path(secret)}" && id -u && ls -ln "{delivery.path(secret)}"']
    container = docker_engine.containers.create(
        docker_harness.busybox_image,
        delivery.wait_command(reader),
        user="1000:1000",  # the agent user: the file is handed to it, mode 0400
        network_mode="none",
        labels={TEST_LABEL: run_id},
        **delivery.container_options(),
    )
    try:
        container.start()
        assert delivery.deliver(container.id, [secret]) == ["/run/jds-secrets/jnlp-secret"]
        assert container.wait(timeout=60)["StatusCode"] == 0
        output = container.logs().decode()
        assert f"{digest}  /run/jds-secrets/jnlp-secret" in output  # the process read the value
        assert "-r--------    1 1000" in output
        container.reload()
        assert _leaks(container.attrs, canary) == []
        assert _leaks(docker_engine.api.inspect_container(container.id), canary) == []
        assert not [c for c in container.diff() if c["Path"].startswith("/run/jds-secrets/")]  # not on disk
    finally:
        container.remove(force=True)
    assert docker_engine.containers.list(all=True, filters={"label": f"{TEST_LABEL}={run_id}"}) == []


def test_a_swarm_secret(swarm: Swarm, docker_harness: Harness, canary: str, run_id: str) -> None:
    delivery = SecretDelivery(client=swarm.manager, masker=SecretMasker(), labels={TEST_LABEL: run_id})
    digest = hashlib.sha256(canary.encode()).hexdigest()
    owner = f"jds-test-{run_id}"
    references = delivery.swarm_secrets(owner, [AgentSecret("pull-password", canary)])
    check = f'[ "$(sha256sum /run/secrets/pull-password | cut -c1-64)" = {digest} ] && sleep 300'
    manager_id = swarm.nodes[0].id
    service = swarm.manager.services.create(
        docker_harness.busybox_image,
        ["sh", "-c", check],
        name=owner,
        secrets=references,
        constraints=[f"node.id=={manager_id}"],  # its container is then on the manager's engine
        restart_policy=docker.types.RestartPolicy(condition="none"),
        labels={TEST_LABEL: run_id},
        container_labels={TEST_LABEL: run_id},
    )
    try:
        settled = ("running", "failed", "rejected", "complete")
        task = wait_until(
            lambda: next((t for t in service.tasks() if t["Status"]["State"] in settled), None),
            "the service's task to start",
            timeout=120,
        )
        assert task["Status"]["State"] == "running", task["Status"]  # the check inside passed
        container_id = task["Status"]["ContainerStatus"]["ContainerID"]
        service.reload()
        [secret] = swarm.manager.secrets.list(filters={"label": f"{TEST_LABEL}={run_id}"})
        documents = [
            service.attrs,
            task,
            swarm.manager.api.inspect_container(container_id),
            secret.attrs,
        ]
        assert [_leaks(d, canary) for d in documents] == [[], [], [], []]
        assert secret.attrs["Spec"]["Labels"]["io.jenkins-docker-sdk.secret-owner"] == owner
    finally:
        service.remove()
        wait_until(
            lambda: (
                not swarm.manager.containers.list(all=True, filters={"label": f"{TEST_LABEL}={run_id}"})
                or None
            ),
            "the service's container to go",
            timeout=120,
        )
        removed = delivery.remove_swarm_secrets(owner)
    assert removed == 1
    assert swarm.manager.secrets.list(filters={"label": f"{TEST_LABEL}={run_id}"}) == []


def test_the_environment_only_when_the_policy_allows_it(
    docker_engine: docker.DockerClient, caplog: pytest.LogCaptureFixture, canary: str
) -> None:
    secret = AgentSecret("REGISTRY_PASSWORD", canary)
    with pytest.raises(DeliveryRefused, match="docker inspect") as caught:
        SecretDelivery(client=docker_engine).environment([secret])
    assert canary not in str(caught.value)

    allowing = SecretDelivery(
        client=docker_engine, policy=DeliveryPolicy(allow_env=True), masker=SecretMasker()
    )
    with caplog.at_level(logging.WARNING, logger="jenkins_docker_sdk"):
        assert allowing.environment([secret]) == {"REGISTRY_PASSWORD": canary}
    assert "REGISTRY_PASSWORD go into a container's environment" in caplog.text
    assert canary not in caplog.text


def test_secret_names_are_checked() -> None:
    for bad in ("../etc/passwd", ".ready", "", "a/b", "-x"):
        with pytest.raises(ValueError, match="secret name"):
            AgentSecret(bad, "value-1234")
    assert repr(AgentSecret("ok", "value-1234")) == "AgentSecret(name='ok', value=Secret('****'))"


def test_swarm_secret_names_fit_in_64_characters() -> None:
    from jenkins_docker_sdk.credentials.delivery import swarm_secret_name

    assert swarm_secret_name("agent-1", "jnlp-secret") == "agent-1-jnlp-secret"
    long = swarm_secret_name("jds-" + "x" * 60, "registry-password")
    assert len(long) <= 64
    assert long.endswith("-registry-password")
    assert long != swarm_secret_name("jds-" + "y" * 60, "registry-password")
