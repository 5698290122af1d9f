"""Adapters over the client libraries of the systems the SDK talks to, and the seams they fill.

Stages depend on the protocols of :mod:`.protocols`, not on the libraries:
:class:`JenkinsClient` (:mod:`.jenkins`, over python-jenkins) implements every Jenkins
protocol, and :mod:`.docker` holds the Docker adapters (the image side over a docker SDK
client, :class:`~.docker.DockerEngine` for the engine side). They are the only modules that
import python-jenkins and the docker SDK, and they import them on first use.
:mod:`._configxml` compares ``config.xml`` documents by what they say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from jenkins_docker_sdk.clients._values import RemoteItem, RemoteNode
    from jenkins_docker_sdk.clients.jenkins import DEFAULT_TOKEN_ENV, JenkinsClient, check_url
    from jenkins_docker_sdk.clients.retry import RetryPolicy

#: Imported on first use: the labels stage imports the protocols while a farm is read (and
#: so does every rendering process), and must not pay for the adapters' classes.
_LAZY = {
    "RemoteItem": "jenkins_docker_sdk.clients._values",
    "RemoteNode": "jenkins_docker_sdk.clients._values",
    "DEFAULT_TOKEN_ENV": "jenkins_docker_sdk.clients.jenkins",
    "JenkinsClient": "jenkins_docker_sdk.clients.jenkins",
    "check_url": "jenkins_docker_sdk.clients.jenkins",
    "RetryPolicy": "jenkins_docker_sdk.clients.retry",
}

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


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
