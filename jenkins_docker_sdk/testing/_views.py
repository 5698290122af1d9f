"""Read-only snapshots of the controller's state, for tests to assert on."""

from __future__ import annotations

import attrs

from jenkins_docker_sdk.testing import _xml
from jenkins_docker_sdk.testing._state import Build, Credential, Item, Node, QueueItem


@attrs.frozen
class RequestRecord:
    """One request the mock answered: never a header, a body or a secret.

    Attributes:
        method: the HTTP method.
        path: the path below the root URL, as sent (percent-encoded).
        query: the query string, with ``token``/``password``-like values shown as ``****``.
        status: the status answered; None when the connection was dropped.
    """

    method: str
    path: str
    query: str
    status: int | None


@attrs.frozen
class BuildInfo:
    """A build: its job, number, result and parameters."""

    job: str
    number: int
    result: str
    parameters: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, job: Item, build: Build) -> BuildInfo:
        return cls(job.full_name, build.number, build.result, build.parameters)


@attrs.frozen
class JobInfo:
    """A job as the controller holds it; description and disabled are read from config.xml."""

    name: str
    class_name: str
    config_xml: str = attrs.field(repr=False)
    description: str | None
    disabled: bool
    next_build_number: int
    builds: tuple[BuildInfo, ...]

    @classmethod
    def of(cls, item: Item) -> JobInfo:
        builds = tuple(BuildInfo.of(item, b) for b in item.builds)
        return cls(
            item.full_name,
            item.class_name,
            item.config_xml,
            item.description,
            item.disabled,
            item.next_build_number,
            builds,
        )


@attrs.frozen
class QueuedBuild:
    """A queue item still waiting (``run_queue`` starts it)."""

    id: int
    job: str
    parameters: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, queued: QueueItem) -> QueuedBuild:
        return cls(queued.id, queued.job.full_name, queued.parameters)


@attrs.frozen
class NodeInfo:
    """A permanent agent; labels, mode and executors are read from its config.xml."""

    name: str
    labels: tuple[str, ...]
    mode: str
    offline: bool
    temporarily_offline: bool
    offline_message: str
    executors: int
    config_xml: str = attrs.field(repr=False)

    @classmethod
    def of(cls, node: Node) -> NodeInfo:
        return cls(
            node.name,
            node.labels,
            node.mode,
            node.offline,
            node.temporarily_offline,
            node.offline_message,
            node.executors,
            node.config_xml,
        )


@attrs.frozen
class CredentialInfo:
    """A stored credential. ``config_xml`` shows secrets as ``<secret-redacted/>``, as Jenkins does;
    ``raw_config_xml`` is what was posted (kept out of ``repr``)."""

    id: str
    store: str
    domain: str
    class_name: str
    description: str
    config_xml: str = attrs.field(repr=False)
    raw_config_xml: str = attrs.field(repr=False)

    @classmethod
    def of(cls, credential: Credential) -> CredentialInfo:
        c = credential
        return cls(
            c.id, c.store, c.domain, c.class_name, c.description, _xml.redacted(c.config_xml), c.config_xml
        )
