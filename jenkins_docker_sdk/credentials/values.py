"""A credential's values, read from a source and held as :class:`~.masking.Secret` objects.

Every value is checked before anything is sent anywhere: a missing or malformed value is an
error naming the variable and where the credential was declared, never the value; and each
secret is registered with the process's :data:`~.masking.MASKER` as soon as it is read.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping

import attrs

from jenkins_docker_sdk.credentials import masking
from jenkins_docker_sdk.credentials.sources import ValueSource
from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import FIELDS, Credential, Problem, variable, variable_collisions


@attrs.frozen(repr=False)
class CredentialValues:
    """A credential and its values by field name (``PASSWORD``, ``SECRET``, ...)."""

    credential: Credential
    values: Mapping[str, masking.Secret]

    def __repr__(self) -> str:
        return f"CredentialValues({self.credential.key!r}, fields={sorted(self.values)})"

    def reveal(self, field: str) -> str | None:
        """The value of ``field``, or ``None`` when an optional field was not given."""
        secret = self.values.get(field)
        return None if secret is None else secret.reveal()


def read_values(
    credentials: Iterable[Credential], source: ValueSource, masker: masking.SecretMasker | None = None
) -> list[CredentialValues]:
    """The values of every credential from ``source``, checked and registered for masking.

    Raises:
        InputError: variables missing from the source, a keystore that is not base64, or two
            credentials whose variables collide; nothing is returned then.
    """
    masker = masker if masker is not None else masking.MASKER
    credentials = list(credentials)
    check_unique(credentials)
    problems: list[Problem] = []
    result = []
    for credential in credentials:
        values: dict[str, masking.Secret] = {}
        for field in FIELDS[credential.type]:
            name = variable(credential, field)
            value = source.get(name)
            if value is None:
                if not field.optional:
                    problems.append(
                        Problem(
                            f"{source.describe()} has no value for {name} "
                            f"({field.name.lower()} of {credential.type} credential {credential.key!r})",
                            credential.source,
                            f"set {name}; a {credential.type} credential takes "
                            + ", ".join(variable(credential, f) + (" (optional)" if f.optional else "")
                                        for f in FIELDS[credential.type]),
                        )
                    )  # fmt: skip
                continue
            if field.secret:
                masker.add(value)
            if field.name != "CONTENT" and (bad := _UNSENDABLE.search(value)) is not None:
                problems.append(
                    Problem(
                        f"{name} holds the control character U+{ord(bad.group()):04X} (character "
                        f"{bad.start() + 1} of the value), which a credential's XML cannot carry",
                        credential.source,
                        "remove it from the value; nothing was sent",
                    )
                )
            if field.name.endswith("_BASE64") and not _is_base64(value):
                problems.append(
                    Problem(
                        f"{name} is not base64 (of a PKCS#12 keystore)",
                        credential.source,
                        "base64 -w0 keystore.p12",
                    )
                )
            values[field.name] = masking.Secret(value)
        result.append(CredentialValues(credential, values))
    masking.install(masker)
    if problems:
        raise InputError(problems)
    return result


#: Characters the credential's XML 1.1 cannot carry as text: NUL never, the other control
#: characters only as character references, which ElementTree does not write (a file's
#: CONTENT is sent in base64, so it may hold anything).
_UNSENDABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")


def _is_base64(value: str) -> bool:
    try:
        base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def check_unique(credentials: Iterable[Credential]) -> None:
    """Refuse two credentials whose values would go by the same variable names.

    Raises:
        InputError: naming both credentials, at the second one's declaration.
    """
    problems = variable_collisions(credentials)
    if problems:
        raise InputError(problems)
