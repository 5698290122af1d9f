"""The values each credential type needs, and the variable name each value goes by.

One naming scheme serves the value sources (``jds credentials sync`` reads these names from
the environment, a file or stdin) and the ``${VAR}`` placeholders of ``casc/credentials.yaml``
(JCasC resolves them on the controller): ``<ID>_<FIELD>`` for a global credential and
``<TEAM>__<ID>_<FIELD>`` for a team folder's, upper-cased, every character other than a
letter or digit written ``_``: ``teamB``'s ``deploy-token`` needs ``TEAMB__DEPLOY_TOKEN_SECRET``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import attrs

from jenkins_docker_sdk.model._credentials import Credential
from jenkins_docker_sdk.model._location import Problem
from jenkins_docker_sdk.model._spec import CredentialType

_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


@attrs.frozen
class Field:
    """One value of a credential: its name suffix, whether it is a secret, whether it may be missing."""

    name: str
    secret: bool = True
    optional: bool = False


#: What each type needs. A file's CONTENT is text; a certificate's keystore (PKCS#12) is
#: binary, so it is given in base64.
FIELDS: dict[CredentialType, tuple[Field, ...]] = {
    "string": (Field("SECRET"),),
    "username_password": (Field("USERNAME", secret=False), Field("PASSWORD")),
    "ssh_key": (Field("USERNAME", secret=False), Field("PRIVATE_KEY"), Field("PASSPHRASE", optional=True)),
    "file": (Field("CONTENT"),),
    "certificate": (Field("KEYSTORE_BASE64"), Field("PASSWORD", optional=True)),
}


def prefix(credential: Credential) -> str:
    """The first part of the variable names of ``credential``'s values."""
    own = _NOT_ALNUM.sub("_", credential.id).upper()
    if credential.scope == "folder" and credential.team:
        return _NOT_ALNUM.sub("_", credential.team).upper() + "__" + own
    return own


def variable(credential: Credential, field: Field) -> str:
    """The variable name of one value of ``credential``."""
    return f"{prefix(credential)}_{field.name}"


def variable_collisions(credentials: Iterable[Credential]) -> list[Problem]:
    """A problem for each credential whose values would go by another one's variable names.

    Give each credential once (a team's credential declared in several of its repositories
    is one credential): the first of two colliding ones is named in the second's problem.
    """
    seen: dict[str, Credential] = {}
    problems = []
    for credential in credentials:
        first = seen.setdefault(prefix(credential), credential)
        if first is not credential:
            problems.append(
                Problem(
                    f"credentials {first.key!r} and {credential.key!r} both take their values "
                    f"from variables named {prefix(credential)}_*",
                    credential.source,
                    "rename one of them (ids that differ only in case or in '-', '.' and '_' collide)",
                )
            )
    return problems
