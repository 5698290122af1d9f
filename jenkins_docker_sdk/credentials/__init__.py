"""CredentialInjector: credentials stay on the controller and reach builds at run time.

One concern per module: :mod:`.scope` (who may bind what, checked when a farm is read),
:mod:`.fields` (the values each type needs and their variable names), :mod:`.sources`
(where values come from), :mod:`.masking` (no value in a log line or an error),
:mod:`.casc` (JCasC with ``${VAR}`` placeholders), :mod:`.storexml` and :mod:`.sync`
(the controller's stores), :mod:`.audit` (no value in rendered output), :mod:`.delivery`
(a secret into an agent container) and :mod:`.injector` (the façade).
"""

from __future__ import annotations

from typing import Any

#: Imported on first use: this package is imported while a farm is read, and these modules
#: import the reader back.
_LAZY = {
    "CredentialInjector": "jenkins_docker_sdk.credentials.injector",
    "SecretMasker": "jenkins_docker_sdk.credentials.masking",
    "MaskingFilter": "jenkins_docker_sdk.credentials.masking",
    "ValueSource": "jenkins_docker_sdk.credentials.sources",
    "EnvSource": "jenkins_docker_sdk.credentials.sources",
    "FileSource": "jenkins_docker_sdk.credentials.sources",
    "StdinSource": "jenkins_docker_sdk.credentials.sources",
    "parse_source": "jenkins_docker_sdk.credentials.sources",
    "audit_directory": "jenkins_docker_sdk.render",
    "AuditFinding": "jenkins_docker_sdk.render",
    "SecretDelivery": "jenkins_docker_sdk.credentials.delivery",
    "DeliveryPolicy": "jenkins_docker_sdk.credentials.delivery",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
