"""Secrets into agent containers: files through ``docker exec``'s stdin, and Swarm secrets.

Functions over a docker SDK client for :mod:`jenkins_docker_sdk.credentials.delivery`; the
file writes need only the low-level client (:class:`~.protocols.HasDockerAPI`: a
``docker.DockerClient`` or a :class:`~jenkins_docker_sdk.clients.docker.DockerEngine`), the
Swarm secrets a ``docker.DockerClient`` on a manager. The ``docker`` library is imported
when one runs.
"""

from __future__ import annotations

import socket
from typing import Any

from jenkins_docker_sdk.clients.protocols import DockerClient, HasDockerAPI
from jenkins_docker_sdk.errors import DockerError


def container_user(client: HasDockerAPI, container_id: str) -> str:
    """The user a container's processes run as (``Config.User``; empty: root)."""
    import docker.errors

    try:
        return str(client.api.inspect_container(container_id)["Config"].get("User") or "")
    except docker.errors.DockerException as exc:
        raise DockerError(f"cannot inspect container {container_id[:12]}: {exc}") from None


def write_container_file(
    client: HasDockerAPI, container_id: str, path: str, data: bytes, *, mode: str = "0400", owner: str = ""
) -> None:
    """Write ``data`` to ``path`` inside the running container, through ``docker exec``'s stdin.

    Only the path is in the exec's command; the data travels on the attached stream, so it
    is in no container, exec or image configuration. ``docker cp`` is no way to do this: it
    writes below a tmpfs mount, into the container's layer on disk. The exec runs as root
    and hands the file to ``owner`` (a user name or uid; empty: root). Needs ``sh``, ``cat``,
    ``chmod``, ``chown`` and ``mv`` in the image.

    Raises:
        DockerError: the engine refused, or the command in the container failed.
    """
    import docker.errors

    script = (
        'umask 077 && cat > "$1.tmp" && chmod "$2" "$1.tmp" && { [ -z "$3" ] || chown "$3" "$1.tmp"; } '
        '&& mv "$1.tmp" "$1"'
    )
    api = client.api
    command = ["sh", "-c", script, "sh", path, mode, owner]
    try:
        exec_id = api.exec_create(container_id, command, stdin=True, user="0")["Id"]
        stream = api.exec_start(exec_id, socket=True)
        raw = getattr(stream, "_sock", stream)  # docker SDK: a SocketIO over the socket
        try:
            raw.sendall(data)
            raw.shutdown(socket.SHUT_WR)
            while raw.recv(65536):
                pass
        finally:  # the HTTP response first (it flushes into the socket), then the socket
            response = getattr(stream, "_response", None)
            if response is not None:
                response.close()
            stream.close()
            raw.close()
        code = api.exec_inspect(exec_id)["ExitCode"]
    except (docker.errors.DockerException, OSError) as exc:
        raise DockerError(f"cannot write {path} in container {container_id[:12]}: {exc}") from None
    if code != 0:
        raise DockerError(f"writing {path} in container {container_id[:12]} failed (exit code {code})")


def create_swarm_secret(client: DockerClient, name: str, data: bytes, labels: dict[str, str]) -> str:
    """Create a Swarm secret (kept encrypted in the raft log, never shown by inspect); its id.

    Raises:
        DockerError: the engine is not a Swarm manager, or the name is taken.
    """
    import docker.errors

    try:
        return str(client.secrets.create(name=name, data=data, labels=labels).id)
    except docker.errors.DockerException as exc:
        raise DockerError(f"cannot create Swarm secret {name!r}: {exc}") from None


def swarm_secret_reference(secret_id: str, name: str, filename: str, *, mode: int = 0o400) -> Any:
    """What a service's ``ContainerSpec(secrets=[...])`` takes: the secret at /run/secrets/<filename>."""
    import docker.types

    return docker.types.SecretReference(secret_id, name, filename=filename, mode=mode)


def remove_swarm_secrets(client: DockerClient, labels: dict[str, str]) -> int:
    """Remove every Swarm secret carrying all of ``labels``; how many went."""
    import docker.errors

    selector = [f"{key}={value}" for key, value in labels.items()]
    removed = 0
    for secret in client.secrets.list(filters={"label": selector}):
        try:
            secret.remove()
            removed += 1
        except docker.errors.NotFound:
            continue
        except docker.errors.DockerException as exc:
            raise DockerError(f"cannot remove Swarm secret {secret.name!r}: {exc}") from None
    return removed
