"""The one place a jnlp agent's secret reaches its container: through the CredentialInjector's
:class:`~jenkins_docker_sdk.credentials.delivery.SecretDelivery`.

Never through the environment or labels (both are shown by ``docker inspect``): the
container gets a tmpfs at :data:`SECRET_DIR` and its command waits for the file; the secret
is then written into it through ``docker exec`` on standard input, owned by the container's
user, mode 0400, and registered with the masker on the way. It never touches a disk, a
command line or a log.
"""

from __future__ import annotations

from typing import Any

from jenkins_docker_sdk.clients.protocols import ContainerEngine
from jenkins_docker_sdk.credentials.delivery import AgentSecret, DeliveryPolicy, SecretDelivery
from jenkins_docker_sdk.errors import DockerError

SECRET_DIR = "/run/jds-agent"
SECRET_NAME = "secret"
SECRET_FILE = f"{SECRET_DIR}/{SECRET_NAME}"
#: The delivery of agent secrets: tmpfs files only (no environment), in SECRET_DIR.
POLICY = DeliveryPolicy(allow_env=False, directory=SECRET_DIR, tmpfs_size="64k")


def delivery(engine: ContainerEngine) -> SecretDelivery:
    """The delivery for containers on ``engine`` (it needs only the engine's API client)."""
    return SecretDelivery(client=engine, policy=POLICY)


def secret_tmpfs() -> dict[str, Any]:
    """The ``tmpfs`` a jnlp agent's container is created with."""
    options: dict[str, Any] = SecretDelivery(client=None, policy=POLICY).container_options()["tmpfs"]
    return options


def deliver_agent_secret(engine: ContainerEngine, container: str, secret: str) -> None:
    """Write ``secret`` to :data:`SECRET_FILE` in the running ``container``.

    Raises:
        EngineUnreachableError: the engine stopped answering.
        DockerError: the file could not be written (the message never holds the secret).
    """
    try:
        delivery(engine).deliver(container, [AgentSecret(SECRET_NAME, secret)])
    except DockerError:
        engine.ping()  # an engine that is gone takes its host out of placement
        raise
