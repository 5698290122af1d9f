"""SlaveProvisioner: one-shot agent containers with caps, retries, suspension and release.

The lifecycle of one agent (each step safe to repeat):

1. choose a template for the label (LabelResolver; only the job's team's and the shared
   templates; DryDock templates only for ``docker`` jobs, and only on DryDock hosts);
2. reserve a place under the locks of the caps: counted from the engines' own container
   lists (this farm's labels) plus the provisions in flight;
3. create the Jenkins node (jnlp nodes: read their secret);
4. make sure the image is on the host (pull strategy, registry credentials);
5. create and start the container: agent command, resource limits, ownership labels;
6. deliver the jnlp secret (a tmpfs file) and wait for the readiness probe;
7. hand over; :meth:`SlaveProvisioner.release` removes the container and the node.

Any failure in 3-6 removes what the attempt made (container and node) before the next
attempt or the error. Steps 3-6 are :mod:`.starter`; where an agent goes and which ssh port
it gets, :mod:`.placement`.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable

import attrs

from jenkins_docker_sdk.clients.protocols import JenkinsAgents
from jenkins_docker_sdk.errors import (
    CapacityError,
    DockerError,
    EngineUnreachableError,
    JenkinsAuthError,
    JenkinsError,
    JenkinsPermissionError,
    LabelResolutionError,
    ProvisioningError,
    ProvisioningFailedError,
    TemplateSuspendedError,
    UnknownAgentError,
)
from jenkins_docker_sdk.labels import LabelResolver, tenancy
from jenkins_docker_sdk.model import AgentTemplate, Farm
from jenkins_docker_sdk.provisioning import ownership, placement
from jenkins_docker_sdk.provisioning.backends import Backend, DockerHost
from jenkins_docker_sdk.provisioning.health import HostHealth, TemplateBreaker
from jenkins_docker_sdk.provisioning.models import Agent, AgentListing, AgentStatus
from jenkins_docker_sdk.provisioning.ownership import NodeMark, Ownership
from jenkins_docker_sdk.provisioning.settings import ProvisionerSettings
from jenkins_docker_sdk.provisioning.starter import Slot, clean, registry_auth, start_agent

log = logging.getLogger(__name__)


def _templates(values: Iterable[AgentTemplate]) -> tuple[AgentTemplate, ...]:
    return tuple(values)


@attrs.define(kw_only=True)
class SlaveProvisioner:
    """Provisions one-shot agents for Jenkins labels on a backend's Docker hosts.

    Args:
        templates: the agent templates, in priority order (the first match wins).
        backend: where agents run (:class:`StaticBackend` or :class:`SwarmBackend`).
        jenkins: the controller (:class:`~jenkins_docker_sdk.clients.JenkinsClient`).
        settings: farm id, caps, retries, timeouts.
        clock: epoch seconds (ownership times, suspensions, the reaper's ages).
        sleep: how the backoff between attempts waits.
    """

    templates: tuple[AgentTemplate, ...] = attrs.field(converter=_templates)
    backend: Backend
    jenkins: JenkinsAgents
    settings: ProvisionerSettings
    clock: Callable[[], float] = attrs.field(default=time.time, repr=False)
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)
    _resolver: LabelResolver = attrs.field(init=False, repr=False)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock, repr=False)
    _in_flight: dict[str, Slot] = attrs.field(init=False, factory=dict, repr=False)
    _last_seen: dict[str, list[Ownership]] = attrs.field(init=False, factory=dict, repr=False)
    _breaker: TemplateBreaker = attrs.field(init=False, repr=False)
    _health: HostHealth = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        self._resolver = LabelResolver(self.templates)
        self._breaker = TemplateBreaker(
            threshold=self.settings.failure_threshold,
            window=self.settings.failure_window,
            cooldown=self.settings.cooldown,
        )
        self._health = HostHealth(recheck=self.settings.host_recheck)

    @classmethod
    def from_farm(
        cls, farm: Farm, *, backend: Backend, jenkins: JenkinsAgents, settings: ProvisionerSettings
    ) -> SlaveProvisioner:
        """A provisioner over the templates of ``farm``."""
        return cls(templates=farm.templates, backend=backend, jenkins=jenkins, settings=settings)

    def close(self) -> None:
        """Close the backend's engine connections."""
        self.backend.close()

    def __enter__(self) -> SlaveProvisioner:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- the public calls ------------------------------------------------------------------

    def choose_template(
        self, label: str | None, *, team: str | None = None, docker: bool | None = None
    ) -> AgentTemplate:
        """The template that serves ``label`` for a job of ``team``: the first match among the
        templates that may serve that team, or with ``docker`` True (a ``docker: true`` job)
        the first DryDock template, with False the first other one.

        ``team`` defaults to the one the label asks for (``team=X && ...``, as the farm's job
        labels do). A job of no known team gets only shared templates, unless the farm's
        isolation is ``credentials`` (see :mod:`jenkins_docker_sdk.labels.tenancy`).

        Raises:
            LabelSyntaxError: the label does not parse.
            LabelResolutionError: no template serves it.
        """
        resolution = self._resolver.resolve(label)
        asked = tenancy.requested_team(resolution.expression)
        if team is not None and asked is not None and asked != team:
            raise LabelResolutionError.at(f"label {label!r} asks for team {asked}, not team {team}")
        team = team or asked
        matching = [t for t in resolution.all_templates if docker is None or t.docker_socket == docker]
        allowed = [t for t in matching if self._may_serve(t, team)]
        if allowed:
            return allowed[0]
        shown = "(no label)" if label is None else repr(label)
        kind = "DryDock template (docker: true jobs)" if docker else "agent template"
        if matching:
            whose = f"team {team}" if team else "a job of no team"
            others = ", ".join(f"{t.name} (team {t.team})" for t in matching)
            raise LabelResolutionError.at(
                f"no {kind} that may serve {whose} serves label {shown}",
                hint=f"only templates of other teams match: {others}; a job runs on its own team's and "
                "the farm's shared templates (give the job's team with team=)",
            )
        near = self._resolver.nearest(resolution.expression) if resolution.expression else ()
        hint = "templates: " + ", ".join(f"{t.name} [{t.label_string}]" for t in self.templates)
        if near:
            hint = "nearest: " + "; ".join(str(m) for m in near)
        raise LabelResolutionError.at(f"no {kind} serves label {shown}", hint=hint)

    def _may_serve(self, template: AgentTemplate, team: str | None) -> bool:
        if team is None and self.settings.isolation == "credentials":
            return True  # a job that binds no credential may run anywhere
        return tenancy.may_serve(template, team)

    def provision(self, label: str | None, *, team: str | None = None, docker: bool | None = None) -> Agent:
        """Start one agent for ``label`` (a job of ``team``) and return it once it is ready.

        ``team`` and ``docker``: see :meth:`choose_template`. Agents of DryDock templates run
        only on DryDock hosts and are the only ones that get the Docker socket.

        Raises:
            LabelResolutionError: no template serves the label.
            CapacityError: a cap is reached (nothing was started).
            TemplateSuspendedError: the template is cooling down after repeated failures.
            ProvisioningFailedError: every attempt failed (all were cleaned up).
        """
        template = self.choose_template(label, team=team, docker=docker)
        failures: list[str] = []
        for attempt in range(self.settings.retries + 1):
            slot, host = self._reserve(template)
            try:
                agent = start_agent(
                    template,
                    slot,
                    host,
                    attempts=attempt + 1,
                    created=self.clock(),
                    jenkins=self.jenkins,
                    settings=self.settings,
                )
            except (JenkinsAuthError, JenkinsPermissionError):
                clean(slot, host, self.jenkins)
                raise
            except (DockerError, JenkinsError, ProvisioningError) as exc:
                failures.append(f"attempt {attempt + 1} on {host.name}: {exc}")
                log.warning("agent %s (template %s) failed: %s", slot.node, template.name, str(exc))
                clean(slot, host, self.jenkins)
                until = self._failed(template, host, exc)
                if until is not None:
                    log.warning(
                        "template %s suspended for %g s after %d failures",
                        template.name,
                        self.settings.cooldown,
                        self.settings.failure_threshold,
                    )
                    raise TemplateSuspendedError(
                        f"template {template.name} failed {self.settings.failure_threshold} times within "
                        f"{self.settings.failure_window:g} s and is suspended for "
                        f"{self.settings.cooldown:g} s; last failure: {exc}",
                        template=template.name,
                        until=until,
                    ) from exc
                if attempt < self.settings.retries:
                    self.sleep(self.settings.delay(attempt))
                continue
            except BaseException:  # a bug or Ctrl-C: clean up all the same, then let it go
                clean(slot, host, self.jenkins)
                raise
            finally:
                with self._lock:
                    self._in_flight.pop(slot.node, None)
            self._breaker.succeeded(template.name)
            self._remember(host.name, agent)
            return agent
        raise ProvisioningFailedError(
            f"no agent for template {template.name} after {len(failures)} attempts:\n  "
            + "\n  ".join(failures),
            template=template.name,
            failures=tuple(failures),
        )

    def release(self, agent: Agent | str, *, missing_ok: bool = True) -> bool:
        """Remove an agent (an :class:`Agent`, or its node name): its container (on whichever
        host; an ``Agent``'s own host only) and its Jenkins node.

        Only this farm's containers and nodes are touched. Both are attempted even when one
        fails. Returns False when there was nothing to remove.

        Raises:
            UnknownAgentError: nothing of that name, and ``missing_ok`` is False.
            ProvisioningError: a host or the controller failed (what could go, went).
        """
        node = agent if isinstance(agent, str) else agent.node
        removed, ours, errors = False, False, []
        hosts = self.backend.hosts()
        if isinstance(agent, Agent):
            hosts = [h for h in hosts if h.name == agent.host] or hosts
        for host in hosts:
            try:
                for container in host.engine.containers(
                    {ownership.FARM: self.settings.farm_id, ownership.NODE: node}
                ):
                    ours = True  # the node of a container with our labels is ours
                    removed = host.engine.remove(container.id) or removed
                self._forget(host.name, node)
            except DockerError as exc:
                errors.append(str(exc))
        try:
            if ours or self._own_node(node):
                removed = self.jenkins.delete_node(node) or removed
        except JenkinsError as exc:
            errors.append(str(exc))
        if errors:
            raise ProvisioningError(
                f"agent {node} not fully released (the reaper will finish): " + "; ".join(errors)
            )
        if not removed and not missing_ok:
            live = sorted(a.node for a in self.agents())
            raise UnknownAgentError.at(
                f"no agent called {node!r} in farm {self.settings.farm_id}",
                hint=f"live agents: {', '.join(live)}" if live else "the farm has no live agents",
            )
        return removed

    def agents(self) -> list[AgentStatus]:
        """Every agent of the farm: containers on reachable hosts, and nodes without one."""
        return list(self.agent_listing().agents)

    def agent_listing(self) -> AgentListing:
        """:meth:`agents`, with the hosts that did not answer (whose agents it cannot list)."""
        nodes = {n.name: mark for n in self.jenkins.list_nodes() if (mark := self._mark(n.description))}
        found: list[AgentStatus] = []
        unreachable: list[str] = []
        for host in self.backend.hosts():
            try:
                containers = host.engine.containers({ownership.FARM: self.settings.farm_id})
            except DockerError:
                unreachable.append(host.name)
                continue
            for container in containers:
                own = Ownership.from_labels(container.labels)
                if own is None:
                    continue
                found.append(
                    AgentStatus(
                        node=own.node,
                        template=own.template,
                        host=host.name,
                        state=container.state,
                        created=own.created,
                        in_jenkins=own.node in nodes,
                    )
                )
        seen = {a.node for a in found}
        for name, mark in nodes.items():
            if name not in seen:
                found.append(AgentStatus(node=name, template=mark.template, host=None, state="no container",
                                         created=mark.created, in_jenkins=True))  # fmt: skip
        return AgentListing(tuple(sorted(found, key=lambda a: (a.created, a.node))), tuple(unreachable))

    def suspended(self) -> dict[str, float]:
        """Suspended templates and when (clock seconds) each may be tried again."""
        return self._breaker.suspended(self.clock())

    def in_flight(self) -> frozenset[str]:
        """Node names of the provisions under way (the reaper leaves them alone)."""
        with self._lock:
            return frozenset(self._in_flight)

    def usable_hosts(self) -> list[DockerHost]:
        """The backend's hosts that are not out of placement (down hosts are pinged again)."""
        now = self.clock()
        return [h for h in self.backend.hosts() if self._health.usable(h.name, now, _pinger(h))]

    def registry_auth_for(self, image: str) -> dict[str, str] | None:
        """The pull credentials for ``image``'s registry, if the settings hold some."""
        return registry_auth(self.settings, image)

    # --- reserving a place -------------------------------------------------------------------

    def _reserve(self, template: AgentTemplate) -> tuple[Slot, DockerHost]:
        now = self.clock()
        until = self._breaker.suspended_until(template.name, now)
        if until is not None:
            raise TemplateSuspendedError(
                f"template {template.name} is suspended for another {until - now:.0f} s "
                "after repeated failures",
                template=template.name,
                until=until,
            )
        with self._lock:
            hosts = self.backend.hosts()
            usable = {h.name for h in self.usable_hosts()}
            per_host = {h.name: self._owned_on(h, h.name in usable) for h in hosts}
            for slot in self._in_flight.values():
                per_host.setdefault(slot.host, []).append(
                    Ownership(
                        farm=self.settings.farm_id,
                        template=slot.template,
                        node=slot.node,
                        created=now,
                        port=slot.port,
                    )
                )
            agents = {o.node: o for owned in per_host.values() for o in owned}
            if len(agents) >= self.settings.cloud_cap:
                raise CapacityError(
                    f"farm {self.settings.farm_id} runs {len(agents)} agents: the cloud cap of "
                    f"{self.settings.cloud_cap} is reached"
                )
            of_template = sum(1 for o in agents.values() if o.template == template.name)
            if template.instance_cap is not None and of_template >= template.instance_cap:
                raise CapacityError(
                    f"template {template.name} runs {of_template} agents: "
                    f"its cap of {template.instance_cap} is reached"
                )
            load = {name: len({o.node for o in owned}) for name, owned in per_host.items()}
            host, has_image = placement.place(
                template,
                [h for h in hosts if h.name in usable],
                load,
                locality=self.settings.locality,
                health=self._health,
            )
            port = None
            if template.connector == "ssh":
                port = placement.free_port(per_host.get(host.name, []), self.settings.ssh_ports)
            node = f"{template.name}-{uuid.uuid4().hex[:10]}"
            slot = Slot(node, template.name, host.name, port, has_image)
            self._in_flight[slot.node] = slot
            return slot, host

    def _owned_on(self, host: DockerHost, usable: bool) -> list[Ownership]:
        """This farm's agents on ``host`` from its own list; the last list seen if it is down."""
        if usable:
            try:
                containers = host.engine.containers({ownership.FARM: self.settings.farm_id})
            except DockerError:
                self._health.mark_down(host.name, self.clock())
            else:
                owned = [o for c in containers if (o := Ownership.from_labels(c.labels)) is not None]
                self._last_seen[host.name] = owned
                return list(owned)
        return list(self._last_seen.get(host.name, []))

    def _remember(self, host: str, agent: Agent) -> None:
        """Count a handed-over agent in its host's last list (used while the host is down)."""
        own = Ownership(farm=self.settings.farm_id, template=agent.template, node=agent.node,
                        created=agent.created, port=agent.port)  # fmt: skip
        with self._lock:
            self._last_seen.setdefault(host, []).append(own)

    def _forget(self, host: str, node: str) -> None:
        with self._lock:
            if host in self._last_seen:
                self._last_seen[host] = [o for o in self._last_seen[host] if o.node != node]

    # --- failures -----------------------------------------------------------------------------

    def _failed(self, template: AgentTemplate, host: DockerHost, exc: Exception) -> float | None:
        """Account a failed attempt: a host that did not answer leaves placement; a failure
        of the template's own making (image, start, readiness) counts towards suspension."""
        now = self.clock()
        if isinstance(exc, EngineUnreachableError):
            self._health.mark_down(host.name, now)
            return None
        if isinstance(exc, JenkinsError):
            return None  # the controller's trouble, not the template's
        return self._breaker.failed(template.name, now)

    def _own_node(self, name: str) -> bool:
        return any(n.name == name and self._mark(n.description) for n in self.jenkins.list_nodes())

    def _mark(self, description: str) -> NodeMark | None:
        mark = NodeMark.parse(description)
        return mark if mark is not None and mark.farm == self.settings.farm_id else None


def _pinger(host: DockerHost) -> Callable[[], bool]:
    def answers() -> bool:
        try:
            host.engine.ping()
        except DockerError:
            return False
        return True

    return answers
