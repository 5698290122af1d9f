"""Configuration-as-Code for the farm's global credentials: ``${VAR}`` placeholders, never values.

JCasC resolves ``${VAR}`` on the controller (environment variables, or its secret sources:
files, Vault, Kubernetes secrets); ``${base64:...}`` encodes a file credential's content.
Only the system store can be written by JCasC's ``credentials:`` root, so team folders'
credentials are left to ``jds credentials sync``. Placeholders are
:class:`~._escaping.CascPlaceholder`; any other ``${`` (a description's)
is written ``^${`` (JCasC's escape) by the templates' ``yaml`` filter, as in every
Configuration-as-Code file jds writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jenkins_docker_sdk.model import FIELDS, Credential, variable
from jenkins_docker_sdk.render._escaping import CascPlaceholder

#: The JCasC symbol of each type (the credentials plugin's class names, minus Impl).
SYMBOLS = {
    "string": "string",
    "username_password": "usernamePassword",
    "ssh_key": "basicSSHUserPrivateKey",
    "file": "file",
    "certificate": "certificate",
}


def _placeholder(credential: Credential, name: str) -> str:
    field = next(f for f in FIELDS[credential.type] if f.name == name)
    default = ":-" if field.optional else ""
    return CascPlaceholder("${" + variable(credential, field) + default + "}")


def casc_entry(credential: Credential) -> dict[str, Any]:
    """One credential as a JCasC ``domainCredentials`` entry: ``{symbol: {attributes}}``."""
    attributes: dict[str, Any] = {
        "scope": "GLOBAL",
        "id": credential.id,
        "description": credential.description,  # its ${ is escaped by the yaml filter
    }
    value = _placeholder
    kind = credential.type
    if kind == "string":
        attributes["secret"] = value(credential, "SECRET")
    elif kind == "username_password":
        attributes["username"] = value(credential, "USERNAME")
        attributes["password"] = value(credential, "PASSWORD")
    elif kind == "ssh_key":
        attributes["username"] = value(credential, "USERNAME")
        attributes["passphrase"] = value(credential, "PASSPHRASE")
        attributes["privateKeySource"] = {"directEntry": {"privateKey": value(credential, "PRIVATE_KEY")}}
    elif kind == "file":
        attributes["fileName"] = credential.id
        attributes["secretBytes"] = CascPlaceholder("${base64:" + value(credential, "CONTENT") + "}")
    else:
        attributes["password"] = value(credential, "PASSWORD")
        attributes["keyStoreSource"] = {
            "uploaded": {"uploadedKeystore": value(credential, "KEYSTORE_BASE64")}
        }
    return {SYMBOLS[kind]: attributes}


def casc_entries(credentials: Sequence[Credential]) -> list[dict[str, Any]]:
    """The system store's credentials as JCasC entries, in declaration order."""
    return [casc_entry(c) for c in credentials if c.scope == "global"]
