"""Frozen value objects shared by every stage: discovery, labels, rendering, apply.

The file-shaped classes (``GitSource``, ``CredentialBinding``, ``Triggers``) are read
straight from team manifests by :mod:`jenkins_docker_sdk.manifest`; field metadata
(``doc``, ``check``, ``min``) drives both that reading and the generated JSON Schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

import attrs

from jenkins_docker_sdk import names
from jenkins_docker_sdk.errors import Location
from jenkins_docker_sdk.label_strings import write_label_string

Connector = Literal["jnlp", "ssh", "attach"]
Mode = Literal["exclusive", "normal"]
CredentialType = Literal["string", "username_password", "ssh_key", "file", "certificate"]
CredentialScope = Literal["folder", "global"]
CREDENTIAL_TYPES: tuple[CredentialType, ...] = (
    "string",
    "username_password",
    "ssh_key",
    "file",
    "certificate",
)

CONNECTORS: tuple[Connector, ...] = ("jnlp", "ssh", "attach")


def spec(
    doc: str,
    *,
    check: Callable[[str], str | None] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    max_items: int | None = None,
    **kwargs: Any,
) -> Any:
    """An attrs field that documents itself and names the check its value must pass.

    ``minimum`` and ``maximum`` bound a number, ``max_items`` the length of a list.
    """
    metadata = {"doc": doc, "check": check, "min": minimum, "max": maximum, "max_items": max_items}
    return attrs.field(metadata=metadata, **kwargs)


def _checked(check: Callable[[str], str | None]) -> Callable[[Any, Any, Any], None]:
    """Defence in depth: models built in code are held to the same rules as manifests."""

    def validator(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        values = value if isinstance(value, (tuple, frozenset, list)) else (value,)
        for item in values:
            if isinstance(item, str) and (reason := check(item)) is not None:
                raise ValueError(f"{attribute.name}={item!r}: {reason}")

    return validator


def _frozen_labels(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.frozen
class GitSource:
    """Where a job's code comes from."""

    url: str = spec("Repository URL, as git clone accepts it.", check=names.printable)
    branch: str | None = spec(
        "Branch to build (default: farm defaults.branch).", check=names.branch_name, default=None
    )
    credentials: str | None = spec(
        "Id of the Jenkins credential used to clone.", check=names.credential_id, default=None
    )


@attrs.frozen
class CredentialBinding:
    """A Jenkins credential bound to environment variables for the duration of the steps.

    Only ids and variable names: a value never appears in a manifest or a generated file.
    """

    id: str = spec("Credential id in the Jenkins credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential, which decides the binding.")
    variable: str | None = spec(
        "Variable holding the secret (string), the file path (file, ssh_key) or the keystore "
        "path (certificate).",
        check=names.variable_name,
        default=None,
    )
    username_variable: str | None = spec(
        "Variable holding the user name (username_password, ssh_key).",
        check=names.variable_name,
        default=None,
    )
    password_variable: str | None = spec(
        "Variable holding the password (username_password) or keystore password (certificate).",
        check=names.variable_name,
        default=None,
    )
    passphrase_variable: str | None = spec(
        "Variable holding the key passphrase (ssh_key).", check=names.variable_name, default=None
    )

    #: Variables each type must (first) and may (second) name.
    SHAPES = {
        "string": (("variable",), ()),
        "file": (("variable",), ()),
        "username_password": (("username_variable", "password_variable"), ()),
        "ssh_key": (("variable",), ("username_variable", "passphrase_variable")),
        "certificate": (("variable",), ("password_variable",)),
    }

    @property
    def variables(self) -> tuple[str, ...]:
        """Every environment variable this binding sets."""
        fields = ("variable", "username_variable", "password_variable", "passphrase_variable")
        return tuple(v for f in fields if (v := getattr(self, f)) is not None)


@attrs.frozen
class TeamCredential:
    """A credential a team declares in jenkins-docker.yml: it lives in the team folder's store.

    Only its id, type and description: the value is put into Jenkins by ``jds credentials
    sync`` from a source on the machine that runs it, never written in a manifest.
    """

    id: str = spec("Credential id in the team folder's credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential.")
    description: str | None = spec("Shown in Jenkins next to the id.", check=names.printable, default=None)


@attrs.frozen
class FarmCredential:
    """A credential the farm declares in farm.yml: it lives in the system (global) store."""

    id: str = spec("Credential id in the system credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential.")
    description: str | None = spec("Shown in Jenkins next to the id.", check=names.printable, default=None)
    shared: bool | None = spec(
        "true: every team's jobs may bind it; false (default): only the farm itself uses it "
        "(e.g. the registry pull credential).",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Credential:
    """A declared credential, resolved: where it is stored and who may bind it. No value.

    Attributes:
        id: the credential id.
        type: the kind of credential.
        scope: ``folder`` (the team folder's store) or ``global`` (the system store).
        team: the owning team (its folder) for ``folder`` scope, else ``None``.
        description: shown in Jenkins.
        shared: a ``global`` credential that every team's jobs may bind.
        source: where it was declared.
    """

    id: str = attrs.field(validator=_checked(names.credential_id))
    type: CredentialType = attrs.field(validator=attrs.validators.in_(CREDENTIAL_TYPES))
    scope: CredentialScope = attrs.field(
        default="folder", validator=attrs.validators.in_(("folder", "global"))
    )
    team: str | None = attrs.field(default=None, validator=_checked(names.item_name))
    description: str = attrs.field(default="", validator=_checked(names.printable))
    shared: bool = False
    source: Location | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if (self.scope == "folder") != (self.team is not None):
            raise ValueError(f"credential {self.id!r}: a folder credential has a team, a global one none")
        if self.shared and self.scope != "global":
            raise ValueError(f"credential {self.id!r}: only a global credential can be shared")

    @property
    def store(self) -> str:
        """The store holding it: ``""`` for the system store, else the team folder."""
        return (self.team or "") if self.scope == "folder" else ""

    @property
    def key(self) -> str:
        """``id`` for a global credential, ``team/id`` for a folder one."""
        return f"{self.team}/{self.id}" if self.scope == "folder" else self.id


@attrs.frozen
class Triggers:
    """When Jenkins starts the job by itself."""

    cron: str | None = spec("Cron spec in Jenkins syntax (H allowed).", check=names.printable, default=None)
    poll_scm: str | None = spec(
        "SCM polling spec in Jenkins cron syntax.", check=names.printable, default=None
    )


@attrs.frozen(kw_only=True)
class AgentTemplate:
    """A build environment: a Docker image that Jenkins starts as a one-shot agent."""

    name: str = attrs.field(validator=_checked(names.item_name))
    team: str = attrs.field(validator=_checked(names.item_name))
    repo: str
    image: str = attrs.field(validator=_checked(names.image_name))
    labels: frozenset[str] = attrs.field(converter=_frozen_labels, validator=_checked(names.label_atom))
    connector: Connector = "jnlp"
    mode: Mode = "exclusive"
    instance_cap: int | None = None
    remote_fs: str = "/home/jenkins/agent"
    memory_mb: int | None = None
    cpus: float | None = None
    user: str | None = None
    docker_socket: bool = False
    #: it serves every team's jobs (see :mod:`jenkins_docker_sdk.tenancy`), not only its team's
    shared: bool = False
    dockerfile: Path | None = None
    source: Location | None = attrs.field(default=None, eq=False)

    @property
    def label_string(self) -> str:
        """The labels as a Jenkins label string, sorted, that Jenkins reads back as ``labels``."""
        return write_label_string(self.labels)


@attrs.frozen
class StaticNode:
    """A permanent Jenkins agent (not provisioned by a cloud), as far as labels are concerned.

    ``labels`` are the configured ones; Jenkins also gives every node its own name as a
    label (see :attr:`assigned_labels`), so an expression naming the node matches it.
    """

    name: str
    labels: frozenset[str] = attrs.field(default=frozenset(), converter=_frozen_labels)
    mode: Mode = "normal"
    offline: bool = False

    @property
    def assigned_labels(self) -> frozenset[str]:
        """The labels Jenkins matches against: the configured ones and the node's name."""
        return self.labels | {self.name}


@attrs.frozen(kw_only=True)
class JobSpec:
    """One Jenkins pipeline job, resolved: every default applied, every name checked."""

    team: str = attrs.field(validator=_checked(names.item_name))
    name: str = attrs.field(validator=_checked(names.item_name))
    repo: str
    description: str = ""
    git: GitSource | None = None
    label: str
    steps: tuple[str, ...] = ()
    credentials: tuple[CredentialBinding, ...] = ()
    docker: bool = False
    triggers: Triggers = Triggers()
    timeout_minutes: int = 60
    source: Location | None = attrs.field(default=None, eq=False)
    label_source: Location | None = attrs.field(default=None, eq=False)
    #: where each of ``credentials`` was bound, and where ``git.credentials`` was named
    credential_sources: tuple[Location, ...] = attrs.field(default=(), eq=False)
    git_credentials_source: Location | None = attrs.field(default=None, eq=False)

    @property
    def full_name(self) -> str:
        """The job's path in Jenkins: ``team/name`` (the team is a folder)."""
        return f"{self.team}/{self.name}"


@attrs.frozen(kw_only=True)
class CloudSettings:
    """The Docker cloud Jenkins provisions agents from."""

    name: str = "docker-farm"
    docker_host: str = "unix:///var/run/docker.sock"
    container_cap: int = 100
    connector: Connector = "jnlp"


Isolation = Literal["all", "credentials"]


@attrs.frozen(kw_only=True)
class Tenancy:
    """Who owns which repository, and which templates serve every team (farm.yml ``tenancy``).

    Attributes:
        paths: ``(path, team)``: the repositories at or below ``path`` (relative to the farm
            root) belong to ``team``; the longest path wins. Elsewhere a repository belongs
            to the first folder of its path.
        shared_teams: teams whose every template serves every team's jobs.
        shared_templates: further templates, by name, that serve every team's jobs.
        isolation: ``all``: every job runs only on its team's and shared templates;
            ``credentials``: only the jobs that bind credentials are held to it.
        shared_images: images that several templates may use (otherwise an image belongs
            to one template).
    """

    paths: tuple[tuple[str, str], ...] = ()
    shared_teams: tuple[str, ...] = ("platform",)
    shared_templates: tuple[str, ...] = ()
    isolation: Isolation = "all"
    shared_images: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class FarmSettings:
    """Farm-wide settings from farm.yml, with every default applied."""

    jenkins_url: str | None = None
    registry: str | None = None
    cloud: CloudSettings = CloudSettings()
    drydock_label: str = "drydock"
    drydock_teams: tuple[str, ...] = ("platform",)
    default_branch: str = "main"
    default_timeout_minutes: int = 60
    policy: Path | None = None
    credentials: tuple[Credential, ...] = ()
    tenancy: Tenancy = Tenancy()
    source: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class TeamRepo:
    """A team repository found under the farm root."""

    path: Path
    team: str
    name: str
    manifest: Path | None
    source: Location | None = attrs.field(default=None, eq=False)
    agent: AgentTemplate | None
    jobs: tuple[JobSpec, ...]
    credentials: tuple[Credential, ...] = ()


@attrs.frozen(kw_only=True)
class Farm:
    """Everything discovered under a farm root, with each job bound to its templates.

    Build one with :meth:`Farm.from_path`.
    """

    root: Path
    settings: FarmSettings
    repos: tuple[TeamRepo, ...]
    bindings: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    warnings: tuple[str, ...] = ()

    @property
    def templates(self) -> tuple[AgentTemplate, ...]:
        """Agent templates in farm order (sorted by repo path)."""
        return tuple(repo.agent for repo in self.repos if repo.agent is not None)

    @property
    def jobs(self) -> tuple[JobSpec, ...]:
        """Every job, in farm order."""
        return tuple(job for repo in self.repos for job in repo.jobs)

    @property
    def teams(self) -> tuple[str, ...]:
        """Team names, sorted; each becomes a Jenkins folder."""
        return tuple(sorted({repo.team for repo in self.repos}))

    @classmethod
    def from_path(cls, root: str | Path, *, workers: int = 1) -> Farm:
        """Discover the farm under ``root``; see :func:`jenkins_docker_sdk.farm.load_farm`."""
        from jenkins_docker_sdk.farm import load_farm

        return load_farm(Path(root), workers=workers)
