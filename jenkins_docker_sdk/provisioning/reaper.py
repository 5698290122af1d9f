"""The reaper: removes what provisioning left behind, and only what this farm owns.

It finds, after a grace period:

- containers with this farm's labels whose Jenkins node is gone (a release that half-failed,
  a provisioner that died between its steps);
- Jenkins nodes marked as this farm's agents whose container is gone (an engine that lost
  it, a container removed by hand); only when every host answered, so that a host that is
  down does not make its agents look orphaned;
- agents older than the maximum lifetime (a build stuck forever), container and node;
- containers that stopped (an agent that crashed): container and node.

Provisions in flight are never touched.
"""

from __future__ import annotations

import logging

import attrs

from jenkins_docker_sdk.errors import DockerError, JenkinsError
from jenkins_docker_sdk.provisioning import ownership
from jenkins_docker_sdk.provisioning.ownership import NodeMark, Ownership
from jenkins_docker_sdk.provisioning.provisioner import SlaveProvisioner

log = logging.getLogger(__name__)


@attrs.frozen
class ReapAction:
    """One thing the reaper removed (or, in a dry run, would remove), and why."""

    kind: str  # "container" or "node"
    node: str
    host: str | None
    reason: str
    done: bool

    def to_dict(self) -> dict[str, object]:
        return attrs.asdict(self)


@attrs.frozen
class ReapReport:
    """What a reaper run did; ``unreachable`` names the hosts it could not look at."""

    actions: tuple[ReapAction, ...]
    unreachable: tuple[str, ...]
    dry_run: bool

    def to_dict(self) -> dict[str, object]:
        return {
            "actions": [a.to_dict() for a in self.actions],
            "unreachable": list(self.unreachable),
            "dry_run": self.dry_run,
        }


def reap(provisioner: SlaveProvisioner, *, dry_run: bool = False) -> ReapReport:
    """Remove this farm's orphaned, crashed and overdue agents; see the module docstring."""
    settings = provisioner.settings
    now = provisioner.clock()
    busy = provisioner.in_flight()
    nodes: dict[str, NodeMark] = {}
    for node in provisioner.jenkins.list_nodes():
        mark = NodeMark.parse(node.description)
        if mark is not None and mark.farm == settings.farm_id:
            nodes[node.name] = mark
    actions: list[ReapAction] = []
    unreachable: list[str] = []
    with_container: set[str] = set()

    def act(kind: str, node: str, host_name: str | None, reason: str, remove: object) -> None:
        done = False
        if not dry_run:
            try:
                remove()  # type: ignore[operator]
                done = True
            except (DockerError, JenkinsError) as exc:
                log.warning("reaper: cannot remove %s %s: %s", kind, node, str(exc))
        actions.append(ReapAction(kind, node, host_name, reason, done))

    for host in provisioner.backend.hosts():
        try:
            containers = host.engine.containers({ownership.FARM: settings.farm_id})
        except DockerError:
            unreachable.append(host.name)
            continue
        for container in containers:
            own = Ownership.from_labels(container.labels)
            if own is None or own.farm != settings.farm_id:
                continue
            with_container.add(own.node)
            age = now - own.created
            if own.node in busy or age < settings.grace:
                continue
            if age > settings.max_lifetime:
                reason = f"older than the maximum lifetime ({settings.max_lifetime:g} s)"
            elif own.node not in nodes:
                reason = "no Jenkins node"
            elif container.state not in ("running", "created"):
                reason = f"container {container.state}"
            else:
                continue
            act("container", own.node, host.name, reason, lambda h=host, c=container.id: h.engine.remove(c))
            if own.node in nodes:
                act(
                    "node", own.node, host.name, reason, lambda n=own.node: provisioner.jenkins.delete_node(n)
                )
                with_container.discard(own.node)
                nodes.pop(own.node)
    if not unreachable:
        for name, mark in nodes.items():
            if name in with_container or name in busy or now - mark.created < settings.grace:
                continue
            act("node", name, None, "no container", lambda n=name: provisioner.jenkins.delete_node(n))
    return ReapReport(tuple(actions), tuple(unreachable), dry_run)
