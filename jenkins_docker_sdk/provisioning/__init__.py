"""SlaveProvisioner: one-shot agent containers on Docker hosts or a Swarm.

See docs/provisioning.md: backends, lifecycle, caps, failure handling, reaper, DryDock.
"""

from __future__ import annotations

from jenkins_docker_sdk.provisioning.backends import (
    DRYDOCK,
    Backend,
    DockerHost,
    StaticBackend,
    SwarmBackend,
)
from jenkins_docker_sdk.provisioning.models import Agent, AgentListing, AgentStatus, NodesAPI
from jenkins_docker_sdk.provisioning.ownership import NodeMark, Ownership
from jenkins_docker_sdk.provisioning.provisioner import SlaveProvisioner
from jenkins_docker_sdk.provisioning.reaper import ReapAction, ReapReport, reap
from jenkins_docker_sdk.provisioning.settings import (
    PULL_STRATEGIES,
    ProvisionerSettings,
    PullStrategy,
    RegistryAuth,
)

__all__ = [
    "DRYDOCK",
    "PULL_STRATEGIES",
    "Agent",
    "AgentListing",
    "AgentStatus",
    "Backend",
    "DockerHost",
    "NodeMark",
    "NodesAPI",
    "Ownership",
    "ProvisionerSettings",
    "PullStrategy",
    "ReapAction",
    "ReapReport",
    "RegistryAuth",
    "SlaveProvisioner",
    "StaticBackend",
    "SwarmBackend",
    "reap",
]
