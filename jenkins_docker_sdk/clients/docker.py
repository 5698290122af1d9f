"""The Docker Engine, through the docker SDK: the only module that imports ``docker``."""

from __future__ import annotations

import io
import re
import socket
import tarfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar

import attrs

from jenkins_docker_sdk.errors import (
    DockerError,
    EngineUnreachableError,
    ImageBuildError,
    ImageUnavailableError,
)

CHUNK = 1024 * 1024
_T = TypeVar("_T")


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


# --- Engines for the provisioner: typed calls over the low-level API ---------------------


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
class TLSFiles:
    """Client certificate, key and CA for a ``tcp://`` engine behind TLS (``--tlsverify``)."""

    ca: Path | None = None
    cert: Path | None = None
    key: Path | None = None
    verify: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> TLSFiles | None:
        """The docker CLI's ``DOCKER_CERT_PATH`` (ca.pem, cert.pem, key.pem) and
        ``DOCKER_TLS_VERIFY``; ``None`` when neither is set."""
        cert_path, verify = environ.get("DOCKER_CERT_PATH"), environ.get("DOCKER_TLS_VERIFY")
        if not cert_path and not verify:
            return None
        root = Path(cert_path or Path.home() / ".docker")
        return cls(ca=root / "ca.pem", cert=root / "cert.pem", key=root / "key.pem", verify=bool(verify))


@attrs.define(kw_only=True)
class DockerEngine:
    """One Docker engine (``unix://`` or ``tcp://``, optionally TLS) through the Engine API.

    Constructing one sends nothing; the client is made on first use. Every failure is a
    :class:`DockerError`: :class:`EngineUnreachableError` when no answer came.
    """

    url: str
    tls: TLSFiles | None = None
    timeout: float = 60.0
    _api: Any = attrs.field(init=False, default=None, repr=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)

    @property
    def api(self) -> Any:
        """The docker SDK's low-level ``APIClient`` (made once, thread-safe)."""
        with self._lock:
            if self._api is None:
                import docker

                tls: Any = False
                if self.tls is not None:
                    cert = (str(self.tls.cert), str(self.tls.key)) if self.tls.cert and self.tls.key else None
                    ca = str(self.tls.ca) if self.tls.ca else None
                    tls = docker.tls.TLSConfig(client_cert=cert, ca_cert=ca, verify=self.tls.verify)
                self._api = docker.APIClient(
                    base_url=self.url, version="1.41", timeout=int(self.timeout), tls=tls, max_pool_size=32
                )
            return self._api

    def close(self) -> None:
        """Close the client's connections."""
        with self._lock:
            if self._api is not None:
                self._api.close()
                self._api = None

    def ping(self) -> None:
        """Raise :class:`EngineUnreachableError` unless the engine answers ``/_ping``."""
        self._call("ping the engine", lambda: self.api.ping())

    def containers(self, labels: Mapping[str, str | None]) -> list[ContainerInfo]:
        """Every container (running or not) carrying ``labels`` (``None``: any value)."""
        wanted = [key if value is None else f"{key}={value}" for key, value in labels.items()]
        found = self._call(
            "list containers", lambda: self.api.containers(all=True, filters={"label": wanted})
        )
        return [
            ContainerInfo(
                id=entry["Id"],
                name=(entry.get("Names") or ["/"])[0].lstrip("/"),
                labels=dict(entry.get("Labels") or {}),
                state=str(entry.get("State") or ""),
            )
            for entry in found
        ]

    def inspect_container(self, name: str) -> ContainerInfo | None:
        """The container ``name`` (or id), or ``None`` when there is none."""
        import docker.errors

        try:
            data = self._call(f"inspect container {name}", lambda: self.api.inspect_container(name))
        except DockerError as exc:
            if isinstance(exc.__cause__, docker.errors.NotFound):
                return None
            raise
        state = data.get("State") or {}
        running = bool(state.get("Running"))
        return ContainerInfo(
            id=data["Id"],
            name=str(data.get("Name") or "").lstrip("/"),
            labels=dict((data.get("Config") or {}).get("Labels") or {}),
            state=str(state.get("Status") or ""),
            exit_code=None if running else int(state.get("ExitCode") or 0),
        )

    def image_digests(self, image: str) -> frozenset[str] | None:
        """The image id and repo digests of ``image`` on this engine; ``None`` if it is absent."""
        import docker.errors

        try:
            data = self._call(f"inspect image {image}", lambda: self.api.inspect_image(image))
        except DockerError as exc:
            if isinstance(exc.__cause__, docker.errors.NotFound):
                return None
            raise
        digests = {str(data["Id"])}
        digests.update(str(d).rpartition("@")[2] for d in data.get("RepoDigests") or ())
        return frozenset(digests)

    def pull(self, image: str, auth: Mapping[str, str] | None = None) -> None:
        """Pull ``image`` (with registry credentials ``auth``: username/password).

        Raises:
            ImageUnavailableError: the registry refused or has no such image.
        """
        repository, tag = _split_reference(image)

        def pull() -> None:
            for event in self.api.pull(repository, tag=tag, stream=True, decode=True, auth_config=auth):
                if isinstance(event, dict) and event.get("error"):
                    raise ImageUnavailableError(f"cannot pull {image}: {event['error']}")

        try:
            self._call(f"pull {image}", pull)
        except EngineUnreachableError:
            raise
        except DockerError as exc:
            if isinstance(exc, ImageUnavailableError):
                raise
            raise ImageUnavailableError(str(exc)) from exc.__cause__

    def create(self, spec: ContainerSpec) -> str:
        """Create the container ``spec`` describes (not started); its id.

        Raises :class:`ImageUnavailableError` when the engine does not hold the image.

        A container of that name that exists already with the same labels (an earlier
        attempt whose answer was lost) is taken as created: its id is returned.
        """
        import docker.errors

        def create() -> str:
            host_config = self.api.create_host_config(
                network_mode=spec.network,
                mem_limit=f"{spec.memory_mb}m" if spec.memory_mb else None,
                nano_cpus=int(spec.cpus * 1e9) if spec.cpus else None,
                tmpfs=dict(spec.tmpfs) or None,
                binds=[f"{source}:{target}" for source, target in spec.binds] or None,
            )
            created = self.api.create_container(
                spec.image,
                command=list(spec.command) or None,
                entrypoint=list(spec.entrypoint) if spec.entrypoint is not None else None,
                name=spec.name,
                labels=dict(spec.labels),
                user=spec.user or "",
                host_config=host_config,
            )
            return str(created["Id"])

        try:
            return self._call(f"create container {spec.name}", create)
        except DockerError as exc:
            if isinstance(exc.__cause__, docker.errors.ImageNotFound):
                raise ImageUnavailableError(f"{self.url}: no image {spec.image}") from exc.__cause__
            if not (isinstance(exc.__cause__, docker.errors.APIError) and exc.__cause__.status_code == 409):
                raise
            existing = self.inspect_container(spec.name)
            if existing is None or dict(existing.labels) != dict(spec.labels):
                raise
            return existing.id

    def start(self, container: str) -> None:
        """Start a created container (starting a running one is a no-op)."""
        self._call(f"start container {container}", lambda: self.api.start(container))

    def run_in(
        self, container: str, command: Sequence[str], stdin: bytes | None = None, user: str = ""
    ) -> int:
        """Run ``command`` in the running ``container``, ``stdin`` on its standard input.

        ``user`` empty: as the container's own user.

        Returns:
            the command's exit code.
        """

        def run() -> int:
            exec_id = self.api.exec_create(
                container, list(command), stdin=stdin is not None, stdout=True, stderr=True, user=user
            )["Id"]
            if stdin is None:
                self.api.exec_start(exec_id)
            else:
                raw = self.api.exec_start(exec_id, socket=True)
                sock = getattr(raw, "_sock", raw)
                try:
                    sock.sendall(stdin)
                    sock.shutdown(socket.SHUT_WR)
                    while sock.recv(65536):
                        pass
                finally:
                    raw.close()  # the file object over the socket holds a reference: both go
                    sock.close()
            for _ in range(200):  # the exec ends with its stream; its exit code follows shortly
                result = self.api.exec_inspect(exec_id)
                if not result.get("Running"):
                    return int(result.get("ExitCode") or 0)
                time.sleep(0.01)
            raise DockerError(f"a command in container {container} did not end")

        return self._call(f"run a command in container {container}", run)

    def processes(self, container: str) -> list[str] | None:
        """The command lines of the processes in ``container`` (``docker top``); ``None``
        when it is not running or not there."""
        import docker.errors

        try:
            found = self._call(f"list the processes of {container}", lambda: self.api.top(container))
        except DockerError as exc:
            if isinstance(exc.__cause__, docker.errors.APIError) and exc.__cause__.status_code in (404, 409):
                return None
            raise
        titles = found.get("Titles") or []
        column = (
            titles.index("CMD")
            if "CMD" in titles
            else (titles.index("COMMAND") if "COMMAND" in titles else -1)
        )
        return [str(row[column]) for row in found.get("Processes") or []]

    def remove(self, container: str) -> bool:
        """Remove ``container`` (force: a running one is killed); False if it was not there."""
        import docker.errors

        try:
            self._call(
                f"remove container {container}",
                lambda: self.api.remove_container(container, force=True, v=True),
            )
        except DockerError as exc:
            cause = exc.__cause__
            if isinstance(cause, docker.errors.NotFound):
                return False
            if isinstance(cause, docker.errors.APIError) and cause.status_code == 409:
                return True  # "removal already in progress": another release got there first
            raise
        return True

    def swarm_nodes(self) -> list[SwarmNodeInfo]:
        """The nodes of the Swarm this engine manages."""
        nodes = []
        for entry in self._call("list the swarm nodes", lambda: self.api.nodes()):
            spec = entry.get("Spec") or {}
            status = entry.get("Status") or {}
            nodes.append(
                SwarmNodeInfo(
                    id=str(entry.get("ID")),
                    hostname=str((entry.get("Description") or {}).get("Hostname") or ""),
                    addr=str(status.get("Addr") or ""),
                    role=str(spec.get("Role") or ""),
                    state=str(status.get("State") or ""),
                    availability=str(spec.get("Availability") or ""),
                    labels=dict(spec.get("Labels") or {}),
                )
            )
        return nodes

    def _call(self, what: str, action: Callable[[], _T]) -> _T:
        import docker.errors
        import requests

        try:
            return action()
        except DockerError:
            raise
        except (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError) as exc:
            raise EngineUnreachableError(
                f"{self.url}: cannot {what}: no answer ({type(exc).__name__})"
            ) from exc
        except docker.errors.DockerException as exc:
            raise DockerError(f"{self.url}: cannot {what}: {_explanation(exc)}") from exc


def _explanation(exc: Exception) -> str:
    explanation = getattr(exc, "explanation", None)
    return str(explanation or exc).strip()[:300]


def _split_reference(image: str) -> tuple[str, str]:
    """``registry:5000/a/b:tag`` -> (``registry:5000/a/b``, ``tag``); digests kept whole."""
    if "@" in image:
        repository, _, digest = image.partition("@")
        return repository, digest
    repository, colon, tag = image.rpartition(":")
    if colon and "/" not in tag:
        return repository, tag
    return image, "latest"


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
