"""What the provisioner hands out and reports: agents, and the Jenkins side it needs."""

from __future__ import annotations

import attrs

from jenkins_docker_sdk.clients.protocols import JenkinsAgents

#: What provisioning needs from a controller (``JenkinsClient`` has it): the protocol
#: :class:`~jenkins_docker_sdk.clients.protocols.JenkinsAgents`, under its earlier name.
NodesAPI = JenkinsAgents


@attrs.frozen(kw_only=True)
class Agent:
    """A ready one-shot agent, handed over to Jenkins.

    Attributes:
        node: the Jenkins node name (also the container name).
        container: the container id.
        host: the name of the host it runs on.
        template: the agent template's name.
        connector: ``jnlp``, ``ssh`` or ``attach``.
        port: the sshd port on the host (ssh agents).
        created: when provisioning started (epoch seconds).
        attempts: how many attempts it took (1: the first one).
    """

    node: str
    container: str
    host: str
    template: str
    connector: str
    port: int | None
    created: float
    attempts: int

    def to_dict(self) -> dict[str, object]:
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class AgentStatus:
    """A live agent of the farm as ``jds agents`` lists it (from the engines and the controller).

    ``host`` is ``None`` and ``state`` is ``no container`` for a node whose container is gone.
    """

    node: str
    template: str
    host: str | None
    state: str
    created: float
    in_jenkins: bool

    def to_dict(self) -> dict[str, object]:
        return attrs.asdict(self)


@attrs.frozen
class AgentListing:
    """The farm's agents as far as they could be seen, and the hosts that did not answer.

    An agent on an unreachable host is missing from ``agents`` (unless the controller
    knows its node): a listing with ``unreachable`` hosts is incomplete.
    """

    agents: tuple[AgentStatus, ...]
    unreachable: tuple[str, ...] = ()
