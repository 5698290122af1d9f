"""One attempt at an agent, steps 3-6 of the lifecycle (see :mod:`.provisioner`), and its cleanup.

The Jenkins node first (jnlp nodes: read their secret), then the image on the host as the
pull strategy says, the container (agent command, limits, ownership labels, the Docker
socket for DryDock agents only), the jnlp secret into its tmpfs, and the readiness probe.
:func:`clean` removes what an attempt made, whatever step it failed at.
"""

from __future__ import annotations

import logging
import time

import attrs

from jenkins_docker_sdk.clients.docker import ContainerSpec
from jenkins_docker_sdk.clients.protocols import JenkinsAgents
from jenkins_docker_sdk.errors import DockerError, ImageUnavailableError, JenkinsError, ProvisioningError
from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning import connectors
from jenkins_docker_sdk.provisioning.agent_secret import deliver_agent_secret, secret_tmpfs
from jenkins_docker_sdk.provisioning.backends import DockerHost
from jenkins_docker_sdk.provisioning.models import Agent
from jenkins_docker_sdk.provisioning.ownership import Ownership
from jenkins_docker_sdk.provisioning.settings import ProvisionerSettings

log = logging.getLogger(__name__)

DOCKER_SOCKET = "/var/run/docker.sock"
_POLL = 0.05  # seconds between readiness probes


@attrs.frozen
class Slot:
    """A provision in flight: counted against the caps until it ends."""

    node: str
    template: str
    host: str
    port: int | None
    has_image: bool = False


def start_agent(
    template: AgentTemplate,
    slot: Slot,
    host: DockerHost,
    *,
    attempts: int,
    created: float,
    jenkins: JenkinsAgents,
    settings: ProvisionerSettings,
) -> Agent:
    """Start the agent of ``slot`` on ``host`` and return it once it is ready.

    Raises:
        DockerError, JenkinsError, ProvisioningError: the attempt failed (what it made is
            still there: :func:`clean` it).
    """
    own = Ownership(
        farm=settings.farm_id,
        template=template.name,
        node=slot.node,
        created=created,
        connector=template.connector,
        port=slot.port,
    )
    jenkins.create_node(
        slot.node,
        description=own.description(),
        labels=template.label_string,
        remote_fs=template.remote_fs,
        launcher=connectors.launcher(template, settings, node=slot.node, host=host, port=slot.port),
        exclusive=template.mode == "exclusive",
    )
    secret = jenkins.agent_secret(slot.node) if template.connector == "jnlp" else None
    command = connectors.agent_command(
        template, settings, node=slot.node, jenkins_url=jenkins.url, port=slot.port
    )
    socket = host.drydock and template.docker_socket and host.socket_path
    spec = ContainerSpec(
        name=slot.node,
        image=template.image,
        command=command,
        entrypoint=(),
        labels=own.labels(),
        user=template.user,
        memory_mb=template.memory_mb,
        cpus=template.cpus,
        network=settings.network,
        tmpfs=secret_tmpfs() if secret is not None else {},
        binds=((host.socket_path, DOCKER_SOCKET),) if socket and host.socket_path else (),
    )
    container = _create(host, spec, seen=slot.has_image, settings=settings)
    host.engine.start(container)
    if secret is not None:
        try:
            deliver_agent_secret(host.engine, container, secret)
        except DockerError:  # a container that exits at once takes its exec with it
            _raise_if_stopped(host, container, slot)
            raise
    _wait_ready(template, host, container, slot, settings)
    return Agent(
        node=slot.node,
        container=container,
        host=host.name,
        template=template.name,
        connector=template.connector,
        port=slot.port,
        created=own.created,
        attempts=attempts,
    )


def clean(slot: Slot, host: DockerHost, jenkins: JenkinsAgents) -> None:
    """Remove what an attempt made; what cannot be removed now is left to the reaper."""
    try:
        host.engine.remove(slot.node)
    except DockerError as exc:
        log.warning("container %s left for the reaper: %s", slot.node, str(exc))
    try:
        jenkins.delete_node(slot.node)
    except JenkinsError as exc:
        log.warning("node %s left for the reaper: %s", slot.node, str(exc))


def registry_auth(settings: ProvisionerSettings, image: str) -> dict[str, str] | None:
    """The pull credentials for ``image``'s registry, if ``settings`` hold some."""
    auth = settings.registry_auth.get(registry_of(image))
    return auth.as_auth_config() if auth else None


def registry_of(image: str) -> str:
    """The registry part of an image reference (``docker.io`` when there is none)."""
    first, slash, _ = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return first
    return "docker.io"


def _create(host: DockerHost, spec: ContainerSpec, *, seen: bool, settings: ProvisionerSettings) -> str:
    """Create the container, pulling its image as the strategy says (``always``: first;
    ``if-missing``: when the engine says it has none, as ``docker run`` does; ``never``:
    no pull). ``seen``: placement just saw the image on the host."""
    strategy = settings.pull
    if strategy == "always":
        host.engine.pull(spec.image, registry_auth(settings, spec.image))
    try:
        return host.engine.create(spec)
    except ImageUnavailableError:
        if strategy != "if-missing" or seen:
            raise ImageUnavailableError(
                f"image {spec.image} is not on host {host.name} and the pull strategy is {strategy}"
            ) from None
    host.engine.pull(spec.image, registry_auth(settings, spec.image))
    return host.engine.create(spec)


def _wait_ready(
    template: AgentTemplate, host: DockerHost, container: str, slot: Slot, settings: ProvisionerSettings
) -> None:
    deadline = time.monotonic() + settings.readiness_timeout
    while True:
        if connectors.is_ready(template, settings, host, container, slot.port):
            return
        _raise_if_stopped(host, container, slot)
        if time.monotonic() >= deadline:
            raise ProvisioningError(
                f"agent {slot.node} ({template.connector}) not ready within {settings.readiness_timeout:g} s"
            )
        time.sleep(_POLL)


def _raise_if_stopped(host: DockerHost, container: str, slot: Slot) -> None:
    """A template failure if the container is gone or no longer running."""
    info = host.engine.inspect_container(container)
    if info is None or info.state != "running":
        code = "" if info is None or info.exit_code is None else f" with code {info.exit_code}"
        raise ProvisioningError(f"container {slot.node} stopped{code} before its agent was ready")
