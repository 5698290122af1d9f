"""Adapters over the client libraries of the systems the SDK talks to, and the seams they fill.

Stages depend on the protocols of :mod:`.protocols`, not on the libraries:
:class:`JenkinsClient` (:mod:`.jenkins`, over python-jenkins) implements every Jenkins
protocol, and :mod:`.docker` holds the Docker adapters (the image side over a docker SDK
client, :class:`~.docker.DockerEngine` for the engine side). They are the only modules that
import python-jenkins and the docker SDK, and they import them on first use.
:mod:`.configxml` compares ``config.xml`` documents by what they say.
"""

from __future__ import annotations

from jenkins_docker_sdk.clients._values import RemoteItem, RemoteNode
from jenkins_docker_sdk.clients.jenkins import DEFAULT_TOKEN_ENV, JenkinsClient, check_url
from jenkins_docker_sdk.clients.protocols import (
    ContainerEngine,
    CredentialStores,
    DockerClient,
    JenkinsAgents,
    JenkinsAPI,
    JenkinsJobs,
    JenkinsNodesClient,
    JenkinsScripts,
)
from jenkins_docker_sdk.clients.retry import RetryPolicy

__all__ = [
    "DEFAULT_TOKEN_ENV",
    "ContainerEngine",
    "CredentialStores",
    "DockerClient",
    "JenkinsAPI",
    "JenkinsAgents",
    "JenkinsClient",
    "JenkinsJobs",
    "JenkinsNodesClient",
    "JenkinsScripts",
    "RemoteItem",
    "RemoteNode",
    "RetryPolicy",
    "check_url",
]
