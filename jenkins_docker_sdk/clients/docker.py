"""The Docker Engine, through the docker SDK: the only module that imports ``docker``."""

from __future__ import annotations

import io
import re
import tarfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import attrs

from jenkins_docker_sdk.errors import JenkinsDockerSDKError

CHUNK = 1024 * 1024


class DockerError(JenkinsDockerSDKError):
    """The engine cannot be reached, or it has no such image."""


class ChunkStream(io.RawIOBase):
    """A read-only, forward-only file over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                chunk = next(self._chunks, None)
            except Exception as exc:  # the engine or the connection failed mid-stream
                raise DockerError(f"the image export stopped: {exc}") from exc
            if chunk is None:
                return 0
            self._rest = chunk
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def client_from_env() -> Any:
    """A docker SDK client as ``docker.from_env()`` makes it (``DOCKER_HOST`` & co).

    The engine's API version is asked first with a client that is closed on failure, so
    an unreachable engine leaves no socket open.

    Raises:
        DockerError: the engine cannot be reached.
    """
    import docker

    kwargs = docker.utils.kwargs_from_env()
    base_url = str(kwargs.get("base_url") or "unix:///var/run/docker.sock")
    # A missing socket is said plainly (the SDK would also leak the socket it tried).
    if base_url.startswith(("unix://", "/")) and not Path(base_url.removeprefix("unix://")).exists():
        raise DockerError(f"cannot reach the Docker engine (DOCKER_HOST): no socket at {base_url}")
    probe = docker.APIClient(version=docker.constants.MINIMUM_DOCKER_API_VERSION, **kwargs)
    try:
        version = probe.version(api_version=False)["ApiVersion"]
    except Exception as exc:  # DockerException, requests' ConnectionError and kin
        raise DockerError(f"cannot reach the Docker engine (DOCKER_HOST): {exc}") from exc
    finally:
        probe.close()
    return docker.DockerClient(version=version, **kwargs)


@contextmanager
def exported_image(client: Any, image: str) -> Iterator[IO[bytes]]:
    """The image export archive (``docker save``) of ``image`` as a stream, read once.

    Raises:
        DockerError: no such image, or the engine failed.
    """
    import docker.errors

    try:
        chunks = client.images.get(image).save(chunk_size=CHUNK, named=True)
    except docker.errors.ImageNotFound as exc:
        raise DockerError(f"no image {image!r} on the Docker engine") from exc
    except docker.errors.DockerException as exc:
        raise DockerError(f"cannot export image {image!r}: {exc}") from exc
    stream = io.BufferedReader(ChunkStream(iter(chunks)), buffer_size=CHUNK)
    try:
        yield stream
    finally:
        stream.close()


@attrs.frozen
class ContainerRun:
    """What a finished (or killed) probe container left: its two output streams and status.

    Attributes:
        stdout, stderr: everything it wrote, up to the engine's log buffer.
        exit_code: its exit status; ``None`` when it was killed.
        timed_out: killed because it ran past its timeout (or never printed its start marker).
        started: its start marker appeared on stdout (``True`` when no marker was asked for).
    """

    stdout: bytes
    stderr: bytes
    exit_code: int | None
    timed_out: bool
    started: bool


def run_probe_container(
    client: Any,
    image: str,
    script: bytes,
    *,
    start_marker: bytes,
    override_entrypoint: bool,
    user: str | None = None,
    timeout: float = 120.0,
    start_timeout: float = 20.0,
    memory_mb: int = 1024,
    labels: Mapping[str, str] | None = None,
) -> ContainerRun:
    """Run ``script`` (a ``#!/bin/sh`` file copied in as ``/jds-probe``) in one container of
    ``image``: no network, capped memory and processes, killed after ``timeout`` seconds,
    or after ``start_timeout`` if ``start_marker`` has not appeared on stdout by then,
    and always removed.

    The script is the container's command; the image's ENTRYPOINT runs it (as it would
    run an agent's command) unless ``override_entrypoint``, when it is the entrypoint.

    Raises:
        DockerError: no such image, or the engine refused to create or start the container.
    """
    import docker.errors
    import requests

    command = [PROBE_PATH]
    try:
        container = client.containers.create(
            image,
            command=None if override_entrypoint else command,
            entrypoint=command if override_entrypoint else None,
            user=user,
            network_mode="none",
            mem_limit=f"{memory_mb}m",
            memswap_limit=f"{memory_mb}m",
            pids_limit=512,
            labels=dict(labels or {}),
            detach=True,
        )
    except docker.errors.ImageNotFound as exc:
        raise DockerError(f"no image {image!r} on the Docker engine") from exc
    except docker.errors.DockerException as exc:
        raise DockerError(f"cannot create a container of {image!r}: {exc}") from exc
    try:
        container.put_archive("/", _single_file_tar(PROBE_PATH.lstrip("/"), script, 0o755))
        try:
            container.start()
        except docker.errors.APIError as exc:  # e.g. the entrypoint or /bin/sh is missing
            return ContainerRun(b"", str(exc.explanation or exc).encode(), None, False, False)
        deadline = time.monotonic() + timeout
        started, timed_out = _wait_for_marker(container, start_marker, start_timeout)
        if started:
            try:
                container.wait(timeout=max(0.1, deadline - time.monotonic()))
            except requests.exceptions.ConnectionError:  # the read timed out: still running
                timed_out = True
        exit_code = None
        if timed_out:
            _kill(container)
        else:
            container.reload()
            exit_code = int(container.attrs["State"]["ExitCode"])
        return ContainerRun(
            container.logs(stdout=True, stderr=False),
            container.logs(stdout=False, stderr=True),
            exit_code,
            timed_out,
            started,
        )
    finally:
        with suppress(docker.errors.NotFound):
            container.remove(force=True)


#: Where :func:`run_probe_container` puts its script in the container.
PROBE_PATH = "/jds-probe"


def _wait_for_marker(container: Any, marker: bytes, timeout: float) -> tuple[bool, bool]:
    """(marker seen, timed out): poll the container's stdout until the marker appears, the
    container exits, or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if marker in container.logs(stdout=True, stderr=False):
            return True, False
        container.reload()
        if container.status not in ("created", "running"):
            return marker in container.logs(stdout=True, stderr=False), False
        if time.monotonic() > deadline:
            return False, True
        time.sleep(delay)
        delay = min(delay * 2, 0.25)


def _kill(container: Any) -> None:
    import docker.errors

    with suppress(docker.errors.APIError):  # it exited meanwhile
        container.kill()


def _single_file_tar(name: str, data: bytes, mode: int) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = mode
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


class ImageBuildError(DockerError):
    """A build failed: ``step`` is the failing step as the builder numbered it (``3`` of
    ``Step 3/8``), ``log`` the build output's last lines."""

    def __init__(self, message: str, step: int | None, log: tuple[str, ...]) -> None:
        super().__init__(message)
        self.step = step
        self.log = log


_STEP = re.compile(r"^Step (\d+)/\d+ :")


def build_image(
    client: Any, context: Path, dockerfile: Path, tag: str, *, network: str | None = None
) -> None:
    """Build ``dockerfile`` (inside ``context``) on the engine as ``tag``, intermediate
    containers removed also on failure.

    Raises:
        ImageBuildError: a step failed, or the engine refused the build (its base image
            cannot be pulled, for one).
    """
    import docker.errors

    log: list[str] = []
    step: int | None = None
    try:
        stream = client.api.build(
            path=str(context),
            dockerfile=str(dockerfile.relative_to(context)),
            tag=tag,
            rm=True,
            forcerm=True,
            network_mode=network,
            decode=True,
        )
        for chunk in stream:
            for line in str(chunk.get("stream", "")).splitlines():
                log.append(line)
                if match := _STEP.match(line):
                    step = int(match.group(1))
            if "error" in chunk:
                message = str(chunk.get("errorDetail", {}).get("message") or chunk["error"]).strip()
                raise ImageBuildError(message, step, tuple(log[-20:]))
    except docker.errors.DockerException as exc:
        raise ImageBuildError(str(exc), step, tuple(log[-20:])) from exc


# --- secrets for agent containers (issue 7: CredentialInjector) ------------------------


def container_user(client: Any, container_id: str) -> str:
    """The user a container's processes run as (``Config.User``; empty: root)."""
    import docker.errors

    try:
        return str(client.api.inspect_container(container_id)["Config"].get("User") or "")
    except docker.errors.DockerException as exc:
        raise DockerError(f"cannot inspect container {container_id[:12]}: {exc}") from None


def write_container_file(
    client: Any, container_id: str, path: str, data: bytes, *, mode: str = "0400", owner: str = ""
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
    import socket

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


def create_swarm_secret(client: Any, name: str, data: bytes, labels: dict[str, str]) -> str:
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


def remove_swarm_secrets(client: Any, labels: dict[str, str]) -> int:
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
