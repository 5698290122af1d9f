"""Where agents run: Docker hosts, and the backends that list them (one host, or a Swarm).

Both backends give the provisioner the same thing, a list of :class:`DockerHost`: the
provisioner places each agent on one host and runs it there as a plain container.

The Swarm backend runs *containers on chosen nodes*, not services with constraints. A
one-shot agent needs what a service hides: an exact container to probe, ``exec`` into
(attach agents, the jnlp secret) and remove; no restart or rescheduling of a failed task
on another node (a broken agent must fail, be counted and be cleaned up, not come back
elsewhere); and caps counted from each engine's own container list. The price is that the
provisioner must reach every node's engine, not only the manager: the Swarm supplies the
node list, availability and labels, and a mapping supplies each node's engine endpoint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol
from urllib.parse import urlsplit

import attrs

from jenkins_docker_sdk.clients.docker import DockerEngine, TLSFiles
from jenkins_docker_sdk.clients.protocols import ContainerEngine

#: The host label that makes a host a DryDock host (agents there may get the Docker socket).
DRYDOCK = "drydock"


def _frozen(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


@attrs.define(kw_only=True, eq=False)
class DockerHost:
    """One Docker engine agents can be placed on.

    Attributes:
        name: how reports and labels name the host.
        engine: the engine (a :class:`~jenkins_docker_sdk.clients.docker.DockerEngine`).
        address: where ssh agents on this host are reached (their network is the host's).
        labels: host labels; ``drydock`` marks a DryDock host.
        max_containers: the per-host cap (``None``: none).
        socket_path: the engine's socket on the host, mounted into DryDock agents.
    """

    name: str
    engine: ContainerEngine
    address: str
    labels: frozenset[str] = attrs.field(factory=frozenset, converter=_frozen)
    max_containers: int | None = None
    socket_path: str | None = None

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        name: str | None = None,
        labels: Iterable[str] = (),
        max_containers: int | None = None,
        engine: ContainerEngine | None = None,
        tls: TLSFiles | None = None,
    ) -> DockerHost:
        """A host from its engine URL: ``unix:///path`` (address 127.0.0.1) or ``tcp://host:port``
        (with ``tls``: the client certificate, key and CA of a ``--tlsverify`` engine)."""
        parts = urlsplit(url if "://" in url else "unix://" + url)
        unix = parts.scheme in ("unix", "")
        return cls(
            name=name or (parts.path if unix else parts.netloc),
            engine=engine or DockerEngine(url=url, tls=tls),
            address="127.0.0.1" if unix else (parts.hostname or "127.0.0.1"),
            labels=labels,
            max_containers=max_containers,
            socket_path=parts.path if unix else None,
        )

    @property
    def drydock(self) -> bool:
        """Whether this is a DryDock host."""
        return DRYDOCK in self.labels


def _hosts(values: Iterable[DockerHost]) -> tuple[DockerHost, ...]:
    return tuple(values)


class Backend(Protocol):
    """Lists the hosts agents may be placed on (called before every placement)."""

    def hosts(self) -> Sequence[DockerHost]:
        """The hosts, unreachable ones included (the provisioner tracks their health)."""
        ...

    def close(self) -> None:
        """Close every engine connection."""
        ...


@attrs.define(kw_only=True)
class StaticBackend:
    """A fixed set of Docker hosts: one host, or several standalone engines."""

    fixed: tuple[DockerHost, ...] = attrs.field(converter=_hosts)

    def hosts(self) -> Sequence[DockerHost]:
        return self.fixed

    def close(self) -> None:
        for host in self.fixed:
            host.engine.close()

    @classmethod
    def single(cls, url: str, **kwargs: object) -> StaticBackend:
        """One Docker host (``unix://`` or ``tcp://``)."""
        return cls(fixed=(DockerHost.from_url(url, **kwargs),))  # type: ignore[arg-type]


@attrs.define(kw_only=True)
class SwarmBackend:
    """The ready, active nodes of a Swarm, each through its own engine endpoint.

    Attributes:
        manager: the manager's engine (the node list is read from it).
        endpoints: node id, address or hostname -> that node's engine URL (the key
            names the host in reports). Nodes without one are
            not used (the provisioner cannot run containers there).
        max_containers: the per-host cap for every node.
        tls: client certificate, key and CA for the nodes' ``tcp://`` engines.

    A node labelled ``drydock=true`` (``docker node update --label-add drydock=true``)
    is a DryDock host.
    """

    manager: ContainerEngine
    endpoints: Mapping[str, str]
    max_containers: int | None = None
    tls: TLSFiles | None = None
    _engines: dict[str, DockerEngine] = attrs.field(init=False, factory=dict)

    def hosts(self) -> Sequence[DockerHost]:
        hosts = []
        for node in self.manager.swarm_nodes():
            key = next((k for k in (node.id, node.addr, node.hostname) if k in self.endpoints), None)
            if key is None or node.state != "ready" or node.availability != "active":
                continue
            url = self.endpoints[key]
            engine = self._engines.setdefault(url, DockerEngine(url=url, tls=self.tls))
            labels = {k for k, value in node.labels.items() if value in ("true", "yes", "1")}
            host = DockerHost.from_url(
                url, name=key, labels=labels, max_containers=self.max_containers, engine=engine
            )
            hosts.append(attrs.evolve(host, address=node.addr or host.address))
        return hosts

    def close(self) -> None:
        self.manager.close()
        for engine in self._engines.values():
            engine.close()
