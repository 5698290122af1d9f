"""Agent templates (the farm's build environments) and static nodes, as far as labels go."""

from __future__ import annotations

from pathlib import Path

import attrs

from jenkins_docker_sdk.model import _names as names
from jenkins_docker_sdk.model._label_string import write_label_string
from jenkins_docker_sdk.model._location import Location
from jenkins_docker_sdk.model._spec import Connector, Mode, checked, frozen_labels


@attrs.frozen(kw_only=True)
class AgentTemplate:
    """A build environment: a Docker image that Jenkins starts as a one-shot agent."""

    name: str = attrs.field(validator=checked(names.item_name))
    team: str = attrs.field(validator=checked(names.item_name))
    repo: str
    image: str = attrs.field(validator=checked(names.image_name))
    labels: frozenset[str] = attrs.field(converter=frozen_labels, validator=checked(names.label_atom))
    connector: Connector = "jnlp"
    mode: Mode = "exclusive"
    instance_cap: int | None = None
    remote_fs: str = "/home/jenkins/agent"
    memory_mb: int | None = None
    cpus: float | None = None
    user: str | None = None
    docker_socket: bool = False
    #: it serves every team's jobs (see :mod:`jenkins_docker_sdk.labels.tenancy`), not only its team's
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
    labels: frozenset[str] = attrs.field(default=frozenset(), converter=frozen_labels)
    mode: Mode = "normal"
    offline: bool = False

    @property
    def assigned_labels(self) -> frozenset[str]:
        """The labels Jenkins matches against: the configured ones and the node's name."""
        return self.labels | {self.name}
