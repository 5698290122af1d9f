"""CredentialInjector: credentials stay on the controller and reach builds at run time.

One concern per module: :mod:`.sources` (where values come from), :mod:`.values` (a
credential's values, held as secrets), :mod:`.masking` (no value in a log line or an error),
:mod:`.storexml` and :mod:`.sync` (the controller's stores), :mod:`.delivery` (a secret into
an agent container) and :mod:`.injector` (the façade). What the other stages need of
credentials lives with them: the scope check in :mod:`jenkins_docker_sdk.reading` (who may
bind what, when a farm is read), the variable names in :mod:`jenkins_docker_sdk.model`, the
JCasC entries and the output audit in :mod:`jenkins_docker_sdk.render`.
"""

from __future__ import annotations

from jenkins_docker_sdk.credentials.delivery import AgentSecret, DeliveryPolicy, SecretDelivery
from jenkins_docker_sdk.credentials.injector import CredentialInjector
from jenkins_docker_sdk.credentials.masking import MaskingFilter, Secret, SecretMasker
from jenkins_docker_sdk.credentials.sources import (
    EnvSource,
    FileSource,
    StdinSource,
    ValueSource,
    parse_source,
)

__all__ = [
    "AgentSecret",
    "CredentialInjector",
    "DeliveryPolicy",
    "EnvSource",
    "FileSource",
    "MaskingFilter",
    "Secret",
    "SecretDelivery",
    "SecretMasker",
    "StdinSource",
    "ValueSource",
    "parse_source",
]
