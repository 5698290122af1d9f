"""The kinds of value the models name, and the field helper that documents and checks them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import attrs

Connector = Literal["jnlp", "ssh", "attach"]
Mode = Literal["exclusive", "normal"]
CredentialType = Literal["string", "username_password", "ssh_key", "file", "certificate"]
CredentialScope = Literal["folder", "global"]
CREDENTIAL_TYPES: tuple[CredentialType, ...] = (
    "string",
    "username_password",
    "ssh_key",
    "file",
    "certificate",
)

CONNECTORS: tuple[Connector, ...] = ("jnlp", "ssh", "attach")


def spec(
    doc: str,
    *,
    check: Callable[[str], str | None] | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
    max_items: int | None = None,
    **kwargs: Any,
) -> Any:
    """An attrs field that documents itself and names the check its value must pass.

    ``minimum`` and ``maximum`` bound a number, ``max_items`` the length of a list.
    """
    metadata = {"doc": doc, "check": check, "min": minimum, "max": maximum, "max_items": max_items}
    return attrs.field(metadata=metadata, **kwargs)


def checked(check: Callable[[str], str | None]) -> Callable[[Any, Any, Any], None]:
    """Defence in depth: models built in code are held to the same rules as manifests."""

    def validator(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        values = value if isinstance(value, (tuple, frozenset, list)) else (value,)
        for item in values:
            if isinstance(item, str) and (reason := check(item)) is not None:
                raise ValueError(f"{attribute.name}={item!r}: {reason}")

    return validator


def frozen_labels(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


Isolation = Literal["all", "credentials"]
