"""jenkins-docker-sdk: team repositories of Dockerfiles in, a containerized Jenkins farm out.

The public API is re-exported here; everything else is an implementation detail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jenkins_docker_sdk.errors import (
    DockerfileError,
    FarmError,
    InputError,
    JenkinsAuthError,
    JenkinsConnectionError,
    JenkinsDockerSDKError,
    JenkinsError,
    JenkinsItemExistsError,
    JenkinsNotFoundError,
    JenkinsPermissionError,
    LabelResolutionError,
    LabelSyntaxError,
    RenderError,
)
from jenkins_docker_sdk.labels import (
    Explanation,
    Finding,
    LabelExpression,
    LabelReport,
    LabelResolver,
    Resolution,
    Verdict,
    analyse_labels,
    parse_label_string,
    write_label_string,
)
from jenkins_docker_sdk.model import (
    AgentTemplate,
    CloudSettings,
    Credential,
    CredentialBinding,
    Farm,
    FarmSettings,
    GitSource,
    JobSpec,
    Location,
    Problem,
    StaticNode,
    TeamRepo,
    Triggers,
)
from jenkins_docker_sdk.reading import DockerfileInfo, Stage, parse_dockerfile
from jenkins_docker_sdk.render import Renderer, RenderResult, render_farm, render_path

if TYPE_CHECKING:
    from jenkins_docker_sdk.apply import ApplyResult, apply_output
    from jenkins_docker_sdk.clients import JenkinsClient
    from jenkins_docker_sdk.credentials.delivery import AgentSecret, DeliveryPolicy, SecretDelivery
    from jenkins_docker_sdk.credentials.injector import CredentialInjector
    from jenkins_docker_sdk.credentials.masking import MaskingFilter, Secret, SecretMasker
    from jenkins_docker_sdk.credentials.sources import EnvSource, FileSource, StdinSource, ValueSource
    from jenkins_docker_sdk.errors import HadolintError
    from jenkins_docker_sdk.provisioning import ProvisionerSettings, SlaveProvisioner, reap
    from jenkins_docker_sdk.validation import ImageValidator, Policy, ValidationReport, load_policy

#: Imported on first use: they pull in python-jenkins, requests, docker and the image gate,
#: which rendering never needs.
_LAZY = {
    "HadolintError": "jenkins_docker_sdk.validation",
    "ImageValidator": "jenkins_docker_sdk.validation",
    "Policy": "jenkins_docker_sdk.validation",
    "ValidationReport": "jenkins_docker_sdk.validation",
    "load_policy": "jenkins_docker_sdk.validation",
    "ApplyResult": "jenkins_docker_sdk.apply",
    "apply_output": "jenkins_docker_sdk.apply",
    "JenkinsClient": "jenkins_docker_sdk.clients",
    "CredentialInjector": "jenkins_docker_sdk.credentials.injector",
    "AgentSecret": "jenkins_docker_sdk.credentials.delivery",
    "DeliveryPolicy": "jenkins_docker_sdk.credentials.delivery",
    "SecretDelivery": "jenkins_docker_sdk.credentials.delivery",
    "MaskingFilter": "jenkins_docker_sdk.credentials.masking",
    "Secret": "jenkins_docker_sdk.credentials.masking",
    "SecretMasker": "jenkins_docker_sdk.credentials.masking",
    "EnvSource": "jenkins_docker_sdk.credentials.sources",
    "FileSource": "jenkins_docker_sdk.credentials.sources",
    "StdinSource": "jenkins_docker_sdk.credentials.sources",
    "ValueSource": "jenkins_docker_sdk.credentials.sources",
    "ProvisionerSettings": "jenkins_docker_sdk.provisioning",
    "SlaveProvisioner": "jenkins_docker_sdk.provisioning",
    "reap": "jenkins_docker_sdk.provisioning",
}

__all__ = [
    "AgentSecret",
    "AgentTemplate",
    "ApplyResult",
    "CloudSettings",
    "Credential",
    "CredentialBinding",
    "CredentialInjector",
    "DeliveryPolicy",
    "DockerfileError",
    "DockerfileInfo",
    "EnvSource",
    "Explanation",
    "Farm",
    "FarmError",
    "FarmSettings",
    "FileSource",
    "Finding",
    "GitSource",
    "HadolintError",
    "ImageValidator",
    "InputError",
    "JenkinsAuthError",
    "JenkinsClient",
    "JenkinsConnectionError",
    "JenkinsDockerSDKError",
    "JenkinsError",
    "JenkinsItemExistsError",
    "JenkinsNotFoundError",
    "JenkinsPermissionError",
    "JobSpec",
    "LabelExpression",
    "LabelReport",
    "LabelResolutionError",
    "LabelResolver",
    "LabelSyntaxError",
    "Location",
    "MaskingFilter",
    "Policy",
    "Problem",
    "ProvisionerSettings",
    "RenderError",
    "RenderResult",
    "Renderer",
    "Resolution",
    "Secret",
    "SecretDelivery",
    "SecretMasker",
    "SlaveProvisioner",
    "Stage",
    "StaticNode",
    "StdinSource",
    "TeamRepo",
    "Triggers",
    "ValidationReport",
    "ValueSource",
    "Verdict",
    "analyse_labels",
    "apply_output",
    "load_policy",
    "parse_dockerfile",
    "parse_label_string",
    "reap",
    "render_farm",
    "render_path",
    "write_label_string",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import version

    return version("jenkins-docker-sdk")
