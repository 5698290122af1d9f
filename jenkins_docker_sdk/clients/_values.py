"""The values that cross the seams: what the adapters hand the stages, and what they are given.

Plain frozen values with no behaviour of their own; the protocols in
:mod:`jenkins_docker_sdk.clients.protocols` are written in them.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

# --- Jenkins -------------------------------------------------------------------------------


@attrs.frozen
class RemoteItem:
    """An item on the controller as the bulk read sees it.

    Attributes:
        name: the full name, folders included (``teamA/web-build``).
        description: the item's description; ``None`` when it has none.
        folder: whether the item holds other items (a folder).
    """

    name: str
    description: str | None
    folder: bool


@attrs.frozen
class RemoteNode:
    """An agent of the controller as ``computer/api/json`` lists it."""

    name: str
    description: str
    offline: bool


# --- Docker engines --------------------------------------------------------------------------


@attrs.frozen
class ContainerInfo:
    """A container as the engine lists it.

    Attributes:
        id: the container id.
        name: the name without the leading slash.
        labels: the container's labels.
        state: ``created``, ``running``, ``exited``, ``dead`` ...
        exit_code: the exit code once it stopped; ``None`` while it runs.
    """

    id: str
    name: str
    labels: Mapping[str, str]
    state: str
    exit_code: int | None = None


@attrs.frozen(kw_only=True)
class ContainerSpec:
    """What to run: everything a one-shot agent container needs, nothing more.

    Attributes:
        name: the container name (the Jenkins node name).
        image: the image reference.
        command: the command (replaces the image's CMD); empty keeps the image's.
        entrypoint: replaces the image's entrypoint when not ``None``.
        labels: the container's labels.
        user: the user to run as; ``None`` keeps the image's.
        memory_mb: memory limit in MiB.
        cpus: CPU limit (nano-CPUs on the engine).
        network: ``host`` or ``none`` (engines here have no bridge).
        tmpfs: mount point -> tmpfs options (``mode=0700``).
        binds: ``(host path, container path)`` bind mounts.
    """

    name: str
    image: str
    command: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] | None = None
    labels: Mapping[str, str] = attrs.field(factory=dict)
    user: str | None = None
    memory_mb: int | None = None
    cpus: float | None = None
    network: str = "host"
    tmpfs: Mapping[str, str] = attrs.field(factory=dict)
    binds: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class SwarmNodeInfo:
    """A Swarm node as the manager lists it."""

    id: str
    hostname: str
    addr: str
    role: str
    state: str
    availability: str
    labels: Mapping[str, str]
