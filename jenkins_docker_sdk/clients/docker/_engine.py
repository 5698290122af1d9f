"""The engine side: one Docker engine in typed calls, for the provisioner (containers, images,
the nodes of a Swarm), over the docker SDK's low-level API.

:class:`DockerEngine` implements :class:`~jenkins_docker_sdk.clients.protocols.ContainerEngine`;
the ``docker`` library is imported when it first talks to the engine.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from jenkins_docker_sdk.clients._values import ContainerInfo, ContainerSpec, SwarmNodeInfo
from jenkins_docker_sdk.clients.protocols import DockerAPIClient
from jenkins_docker_sdk.errors import DockerError, EngineUnreachableError, ImageUnavailableError

_T = TypeVar("_T")


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
    _api: DockerAPIClient | None = attrs.field(init=False, default=None, repr=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)

    @property
    def api(self) -> DockerAPIClient:
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
