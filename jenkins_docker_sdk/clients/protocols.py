"""The seams: what each stage needs of a Jenkins controller and of a Docker engine.

Stages are written against these protocols, never against python-jenkins or the docker SDK;
the adapters of this package implement them, and tests pass the real adapters (on
MockJenkins and on the Docker harness) or anything else with the same methods.

Jenkins (:class:`~jenkins_docker_sdk.clients.JenkinsClient` has every one; a mypy-checked
test pins it):

- :class:`JenkinsJobs`: items, read in bulk and written one by one (``jds apply``);
- :class:`JenkinsScripts`: Groovy through ``scriptText`` (``jds apply --cloud-script``);
- :class:`JenkinsAPI`: the two together, what ``apply_output`` takes;
- :class:`JenkinsAgents`: the one-shot agents a provisioner creates and removes;
- :class:`JenkinsNodesClient`: static nodes and their ``config.xml``, as python-jenkins reads
  them (``LabelResolver.from_jenkins``; python-jenkins' ``jenkins.Jenkins`` has them too);
- :class:`CredentialStores`: the credentials plugin's stores (``jds credentials sync``).

Docker:

- :class:`ContainerEngine`: one engine as the provisioner drives it (containers, images,
  Swarm nodes); :class:`~jenkins_docker_sdk.clients.docker.DockerEngine` implements it;
- :class:`DockerClient`: the docker SDK's ``docker.DockerClient``, as far as the image side
  uses it (export, build, the probe container, secrets into containers): validation and
  secret delivery take one from the caller; :class:`DockerAPIClient` is its low-level
  ``docker.APIClient``, which :class:`HasDockerAPI` objects carry at ``.api``.

Importing this module imports neither python-jenkins nor the docker SDK, nor the adapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # annotations only: the labels stage imports this module while a farm is read
    from jenkins_docker_sdk.clients._values import (
        ContainerInfo,
        ContainerSpec,
        RemoteItem,
        RemoteNode,
        SwarmNodeInfo,
    )

__all__ = [
    "ContainerEngine",
    "CredentialStores",
    "DockerAPIClient",
    "DockerClient",
    "DockerContainer",
    "DockerContainers",
    "DockerImage",
    "DockerImages",
    "DockerSecret",
    "DockerSecrets",
    "HasDockerAPI",
    "JenkinsAPI",
    "JenkinsAgents",
    "JenkinsJobs",
    "JenkinsNodesClient",
    "JenkinsScripts",
]

# --- Jenkins ---------------------------------------------------------------------------------


class JenkinsJobs(Protocol):
    """What syncing jobs needs from a Jenkins controller.

    Item names are full names with folders, ``team/job``. Every method raises
    :class:`~jenkins_docker_sdk.errors.JenkinsError` (or a subclass) on failure.
    """

    url: str

    def list_items(self, depth: int = 2) -> list[RemoteItem]:
        """Every item down to ``depth`` levels of folders, with its description, in one read."""
        ...

    def get_config(self, name: str) -> str:
        """The ``config.xml`` of an item."""
        ...

    def create_item(self, name: str, config_xml: str) -> None:
        """Create a job or folder from its ``config.xml``, in an existing folder."""
        ...

    def update_config(self, name: str, config_xml: str) -> None:
        """Replace an item's ``config.xml``."""
        ...

    def delete_item(self, name: str) -> None:
        """Delete an item (a folder with everything in it)."""
        ...


class JenkinsScripts(Protocol):
    """The script console (``scriptText``)."""

    def run_script(self, script: str) -> str:
        """Run a Groovy script on the controller and return its output."""
        ...


class JenkinsAPI(JenkinsJobs, JenkinsScripts, Protocol):
    """What ``jds apply`` needs from a controller: the jobs, and the script console for the
    cloud script."""


class JenkinsAgents(Protocol):
    """What provisioning needs from a controller: the nodes of its one-shot agents.

    Every method raises :class:`~jenkins_docker_sdk.errors.JenkinsError` (or a subclass).
    """

    url: str

    def list_nodes(self) -> list[RemoteNode]:
        """Every agent (the built-in node left out), with its description, in one read."""
        ...

    def create_node(
        self,
        name: str,
        *,
        description: str,
        labels: str,
        remote_fs: str,
        launcher: Mapping[str, Any],
        exclusive: bool = True,
    ) -> None:
        """Create a permanent agent with one executor; ``launcher`` is its launcher's form."""
        ...

    def delete_node(self, name: str) -> bool:
        """Delete an agent; False when there was none."""
        ...

    def agent_secret(self, name: str) -> str:
        """The secret inbound (JNLP) agent ``name`` connects with."""
        ...


class JenkinsNodesClient(Protocol):
    """The two python-jenkins calls :func:`~jenkins_docker_sdk.labels.read_static_nodes` needs."""

    def get_nodes(self) -> list[dict[str, Any]]:
        """Every computer, the built-in node included: dicts with at least ``name`` and ``offline``."""
        ...

    def get_node_config(self, name: str) -> str:
        """The node's ``config.xml``."""
        ...


class CredentialStores(Protocol):
    """What ``jds credentials sync`` needs: the credentials plugin's stores, the system
    store (``folder=""``) or a folder's."""

    def create_credential(self, folder: str, config_xml: str, *, domain: str = "_") -> bool:
        """Add a credential; False when the store already holds one with its id."""
        ...

    def update_credential(
        self, folder: str, credential_id: str, config_xml: str, *, domain: str = "_"
    ) -> None:
        """Replace credential ``credential_id``."""
        ...


# --- Docker: the engine as the provisioner drives it -------------------------------------------


class ContainerEngine(Protocol):
    """One Docker engine, in typed calls: every failure is a
    :class:`~jenkins_docker_sdk.errors.DockerError`, and
    :class:`~jenkins_docker_sdk.errors.EngineUnreachableError` when no answer came."""

    @property
    def url(self) -> str:
        """The engine's URL (``unix:///...`` or ``tcp://host:port``)."""
        ...

    @property
    def api(self) -> DockerAPIClient:
        """The docker SDK's low-level client underneath (secret delivery writes through it)."""
        ...

    def close(self) -> None:
        """Close the engine's connections."""
        ...

    def ping(self) -> None:
        """Raise unless the engine answers."""
        ...

    def containers(self, labels: Mapping[str, str | None]) -> list[ContainerInfo]:
        """Every container carrying ``labels`` (``None``: any value), running or not."""
        ...

    def inspect_container(self, name: str) -> ContainerInfo | None:
        """The container ``name`` (or id); ``None`` when there is none."""
        ...

    def image_digests(self, image: str) -> frozenset[str] | None:
        """The image id and repo digests of ``image``; ``None`` when the engine lacks it."""
        ...

    def pull(self, image: str, auth: Mapping[str, str] | None = None) -> None:
        """Pull ``image`` (registry credentials ``auth``)."""
        ...

    def create(self, spec: ContainerSpec) -> str:
        """Create (not start) the container ``spec`` describes; its id."""
        ...

    def start(self, container: str) -> None:
        """Start a created container."""
        ...

    def run_in(
        self, container: str, command: Sequence[str], stdin: bytes | None = None, user: str = ""
    ) -> int:
        """Run ``command`` in the running ``container``; its exit code."""
        ...

    def processes(self, container: str) -> list[str] | None:
        """The command lines of the container's processes; ``None`` when it is not running."""
        ...

    def remove(self, container: str) -> bool:
        """Remove ``container`` (a running one is killed); False when it was not there."""
        ...

    def swarm_nodes(self) -> list[SwarmNodeInfo]:
        """The nodes of the Swarm this engine manages."""
        ...


# --- Docker: the docker SDK's clients, as far as the SDK uses them --------------------------------


class DockerAPIClient(Protocol):
    """The docker SDK's low-level ``docker.APIClient``: the calls the adapters make."""

    def close(self) -> None: ...

    def ping(self) -> bool: ...

    def build(
        self,
        *,
        path: str,
        dockerfile: str,
        tag: str,
        rm: bool = ...,
        forcerm: bool = ...,
        network_mode: str | None = ...,
        decode: bool = ...,
    ) -> Iterator[dict[str, Any]]: ...

    def containers(
        self, *, all: bool = ..., filters: Mapping[str, Any] | None = ...
    ) -> list[dict[str, Any]]: ...

    def inspect_container(self, container: str) -> dict[str, Any]: ...

    def inspect_image(self, image: str) -> dict[str, Any]: ...

    def pull(
        self,
        repository: str,
        *,
        tag: str | None = ...,
        stream: bool = ...,
        decode: bool = ...,
        auth_config: Mapping[str, str] | None = ...,
    ) -> Iterator[Any]: ...

    def create_host_config(
        self,
        *,
        network_mode: str | None = ...,
        mem_limit: str | None = ...,
        nano_cpus: int | None = ...,
        tmpfs: Mapping[str, str] | None = ...,
        binds: Sequence[str] | None = ...,
    ) -> dict[str, Any]: ...

    def create_container(
        self,
        image: str,
        *,
        command: Sequence[str] | None = ...,
        entrypoint: Sequence[str] | None = ...,
        name: str | None = ...,
        labels: Mapping[str, str] | None = ...,
        user: str = ...,
        host_config: Mapping[str, Any] | None = ...,
    ) -> dict[str, Any]: ...

    def start(self, container: str) -> None: ...

    def exec_create(
        self,
        container: str,
        cmd: Sequence[str],
        *,
        stdin: bool = ...,
        stdout: bool = ...,
        stderr: bool = ...,
        user: str = ...,
    ) -> dict[str, Any]: ...

    def exec_start(self, exec_id: str, *, socket: bool = ...) -> Any:
        """The output (bytes), or with ``socket`` the attached socket (a ``SocketIO``)."""
        ...

    def exec_inspect(self, exec_id: str) -> dict[str, Any]: ...

    def top(self, container: str) -> dict[str, Any]: ...

    def remove_container(self, container: str, *, force: bool = ..., v: bool = ...) -> None: ...

    def nodes(self) -> list[dict[str, Any]]: ...


class HasDockerAPI(Protocol):
    """Anything that carries a low-level client at ``.api``: a ``docker.DockerClient``, or a
    :class:`ContainerEngine`."""

    @property
    def api(self) -> DockerAPIClient: ...


class DockerImage(Protocol):
    """``docker.models.images.Image``."""

    def save(self, chunk_size: int = ..., named: bool = ...) -> Iterable[bytes]: ...


class DockerImages(Protocol):
    """``DockerClient.images``."""

    def get(self, name: str) -> DockerImage: ...


class DockerContainer(Protocol):
    """``docker.models.containers.Container``."""

    @property
    def status(self) -> str: ...

    @property
    def attrs(self) -> dict[str, Any]: ...

    def put_archive(self, path: str, data: bytes) -> bool: ...

    def start(self) -> None: ...

    def wait(self, *, timeout: float | None = ...) -> dict[str, Any]: ...

    def reload(self) -> None: ...

    def logs(self, *, stdout: bool = ..., stderr: bool = ...) -> bytes: ...

    def kill(self) -> None: ...

    def remove(self, *, force: bool = ...) -> None: ...


class DockerContainers(Protocol):
    """``DockerClient.containers``."""

    def create(
        self,
        image: str,
        command: Sequence[str] | None = ...,
        *,
        entrypoint: Sequence[str] | None = ...,
        user: str | None = ...,
        network_mode: str | None = ...,
        mem_limit: str | None = ...,
        memswap_limit: str | None = ...,
        pids_limit: int | None = ...,
        labels: Mapping[str, str] | None = ...,
        detach: bool = ...,
    ) -> DockerContainer: ...


class DockerSecret(Protocol):
    """``docker.models.secrets.Secret``."""

    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...

    def remove(self) -> bool: ...


class DockerSecrets(Protocol):
    """``DockerClient.secrets`` (a Swarm manager's)."""

    def create(self, *, name: str, data: bytes, labels: Mapping[str, str] | None = ...) -> DockerSecret: ...

    def list(self, *, filters: Mapping[str, Any] | None = ...) -> Iterable[DockerSecret]: ...


class DockerClient(HasDockerAPI, Protocol):
    """The docker SDK's ``docker.DockerClient``: what the image side and secret delivery use."""

    @property
    def images(self) -> DockerImages: ...

    @property
    def containers(self) -> DockerContainers: ...

    @property
    def secrets(self) -> DockerSecrets: ...

    def close(self) -> None: ...
