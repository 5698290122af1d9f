"""The image side: the probe container, one run of a script in an image, always removed.

The image gate's command tests and agent-readiness probes run here
(:mod:`jenkins_docker_sdk.validation.probes`); the ``docker`` library is imported when one runs.
"""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Mapping
from contextlib import suppress

import attrs

from jenkins_docker_sdk.clients.protocols import DockerClient, DockerContainer
from jenkins_docker_sdk.errors import DockerError

#: Where :func:`run_probe_container` puts its script in the container.
PROBE_PATH = "/jds-probe"


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
    client: DockerClient,
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


def _wait_for_marker(container: DockerContainer, marker: bytes, timeout: float) -> tuple[bool, bool]:
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


def _kill(container: DockerContainer) -> None:
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
