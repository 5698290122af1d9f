"""The model: the frozen values every stage passes on, and the rules of what Jenkins accepts.

It imports nothing else of the SDK. ``names`` holds the character rules of Jenkins and
Docker names (:mod:`._names`); the file-shaped classes (``GitSource``, ``CredentialBinding``,
``Triggers``, ``TeamCredential``, ``FarmCredential``) are also what manifests are read into.
"""

from __future__ import annotations

from jenkins_docker_sdk.model import _names as names
from jenkins_docker_sdk.model._credential_fields import FIELDS, Field, prefix, variable, variable_collisions
from jenkins_docker_sdk.model._credentials import Credential, FarmCredential, TeamCredential
from jenkins_docker_sdk.model._farm import (
    CloudSettings,
    Farm,
    FarmSettings,
    TeamRepo,
    Tenancy,
    use_farm_reader,
)
from jenkins_docker_sdk.model._jobs import CredentialBinding, GitSource, JobSpec, Triggers
from jenkins_docker_sdk.model._label_string import DELIMITERS as LABEL_DELIMITERS
from jenkins_docker_sdk.model._label_string import QUOTES as LABEL_QUOTES
from jenkins_docker_sdk.model._label_string import quote_label, write_label_string
from jenkins_docker_sdk.model._location import Location, Problem
from jenkins_docker_sdk.model._spec import (
    CONNECTORS,
    CREDENTIAL_TYPES,
    Connector,
    CredentialScope,
    CredentialType,
    Isolation,
    Mode,
    spec,
)
from jenkins_docker_sdk.model._templates import AgentTemplate, StaticNode

__all__ = [
    "CONNECTORS",
    "CREDENTIAL_TYPES",
    "FIELDS",
    "LABEL_DELIMITERS",
    "LABEL_QUOTES",
    "AgentTemplate",
    "CloudSettings",
    "Connector",
    "Credential",
    "CredentialBinding",
    "CredentialScope",
    "CredentialType",
    "Farm",
    "FarmCredential",
    "FarmSettings",
    "Field",
    "GitSource",
    "Isolation",
    "JobSpec",
    "Location",
    "Mode",
    "Problem",
    "StaticNode",
    "TeamCredential",
    "TeamRepo",
    "Tenancy",
    "Triggers",
    "names",
    "prefix",
    "quote_label",
    "spec",
    "use_farm_reader",
    "variable",
    "variable_collisions",
    "write_label_string",
]
