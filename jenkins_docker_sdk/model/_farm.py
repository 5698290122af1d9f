"""The farm: its settings, its team repositories, and each job bound to its templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from jenkins_docker_sdk.model._credentials import Credential
from jenkins_docker_sdk.model._jobs import JobSpec
from jenkins_docker_sdk.model._location import Location
from jenkins_docker_sdk.model._spec import Connector, Isolation
from jenkins_docker_sdk.model._templates import AgentTemplate

if TYPE_CHECKING:
    from jenkins_docker_sdk.labels import LabelReport  # the type only: labels imports the model


@attrs.frozen(kw_only=True)
class CloudSettings:
    """The Docker cloud Jenkins provisions agents from."""

    name: str = "docker-farm"
    docker_host: str = "unix:///var/run/docker.sock"
    container_cap: int = 100
    connector: Connector = "jnlp"


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
    #: each job's templates by the job's full name, the first match first (the one Jenkins'
    #: docker-plugin provisions)
    bindings: Mapping[str, tuple[AgentTemplate, ...]] = attrs.field(factory=dict, repr=False)
    warnings: tuple[str, ...] = ()
    #: the label analysis the reader made (None for a farm built by hand): every finding,
    #: and its resolver, the farm's one
    labels: LabelReport | None = attrs.field(default=None, eq=False, repr=False)

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
        """Read and check the farm under ``root``; see :func:`jenkins_docker_sdk.reading.load_farm`."""
        if _farm_reader is None:  # pragma: no cover - jenkins_docker_sdk's __init__ sets it
            raise RuntimeError("no farm reader: import jenkins_docker_sdk, not only its model")
        return _farm_reader(Path(root), workers)


#: How :meth:`Farm.from_path` reads a farm: :mod:`jenkins_docker_sdk.reading` sets it when
#: it is imported (the package's ``__init__`` imports it), so that the model, which every
#: stage imports, imports none of them.
_farm_reader: Callable[[Path, int], Farm] | None = None


def use_farm_reader(reader: Callable[[Path, int], Farm]) -> None:
    """Make :meth:`Farm.from_path` read farms with ``reader(root, workers)``."""
    global _farm_reader
    _farm_reader = reader
