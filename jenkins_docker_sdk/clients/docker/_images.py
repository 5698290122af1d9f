"""The image side: a docker SDK client from the environment, the image export stream, builds.

Functions over a docker SDK client (:class:`~jenkins_docker_sdk.clients.protocols.DockerClient`,
what the caller passes to the image gate); the ``docker`` library is imported when one runs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from jenkins_docker_sdk.clients.protocols import DockerClient, HasDockerAPI
from jenkins_docker_sdk.errors import DockerError, ImageBuildError

CHUNK = 1024 * 1024


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


def client_from_env() -> DockerClient:
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
    client: DockerClient = docker.DockerClient(version=version, **kwargs)
    return client


@contextmanager
def exported_image(client: DockerClient, image: str) -> Iterator[IO[bytes]]:
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


_STEP = re.compile(r"^Step (\d+)/\d+ :")


def build_image(
    client: HasDockerAPI, context: Path, dockerfile: Path, tag: str, *, network: str | None = None
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
