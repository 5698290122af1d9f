"""Secrets written into farm files, found as each value is read.

The rules are the output audit's (:mod:`jenkins_docker_sdk.secret_rules`:
private keys, AWS access key ids, ``user:password@`` URLs), run on every string of
farm.yml, a manifest or a policy when the file is read, so ``jds check`` and ``jds render``
refuse them alike, at the value's file:line, with the secret redacted. A key in a step would
otherwise reach the output escaped inside a Groovy literal; the audit of the rendered files
stays as the second line of defence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jenkins_docker_sdk.model import Location, Problem
from jenkins_docker_sdk.secret_rules import Hit, find_secrets, may_hold_secret

REDACTED = "****"
_EXCERPT = 100  # characters of the value's line shown around a secret
_HINT = (
    "secrets belong in the Jenkins credentials store: declare the credential (its id and type, "
    "never its value), bind it to a variable and use the variable"
)
_URL_KIND = "a user:password@ URL"


def value_secrets(data: Any, path: Path, what: str) -> list[Problem]:
    """A problem for each secret in the strings of loaded YAML ``data`` (read from ``path``)."""
    if not _any_candidate(data):
        return []  # the usual case, found without naming every value
    problems = []
    for value, position, name in _strings(data, what):
        if not may_hold_secret(value):
            continue
        hits = list(find_secrets(str(path), value.encode("utf-8"), what))
        seen: set[tuple[str, str]] = set()
        for hit in hits:
            if (hit.kind, hit.secret) in seen:
                continue
            seen.add((hit.kind, hit.secret))
            at = Location(path, *position) if position else Location(path)
            kind = _URL_KIND if hit.kind.startswith(_URL_KIND) else hit.kind  # no "(file kind)"
            problems.append(Problem(f"{name} holds {kind}{_where(value, hit, hits)}", at, _HINT))
    return problems


def _any_candidate(data: Any) -> bool:
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if may_hold_secret(value):
                return True
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _strings(data: Any, what: str) -> Iterator[tuple[str, tuple[int, int] | None, str]]:
    """Every string in ``data`` with where it was written and its dotted name."""
    pending: list[tuple[Any, tuple[int, int] | None, str]] = [(data, getattr(data, "start", None), what)]
    while pending:
        value, position, name = pending.pop()
        if isinstance(value, str):
            yield value, position, name
        elif isinstance(value, dict):
            positions = getattr(value, "positions", {})
            pending.extend(
                (item, positions.get(key, position), f"{name}.{key}") for key, item in value.items()
            )
        elif isinstance(value, list):
            positions = getattr(value, "positions", [])
            pending.extend(
                (item, positions[i] if i < len(positions) else position, f"{name}[{i}]")
                for i, item in enumerate(value)
            )


def _where(value: str, hit: Hit, hits: list[Hit]) -> str:
    """Where in a multi-line value the secret is, and its line redacted (one-line secrets)."""
    start = value.find(hit.secret)
    if start < 0:
        return ""
    first = value.rfind("\n", 0, start) + 1
    end = value.find("\n", start)
    line = value[first : end if end >= 0 else len(value)]
    number = value.count("\n", 0, start) + 1
    said = f" (line {number} of the value)" if "\n" in value.strip("\n") else ""
    if "\n" in hit.secret:  # a private key's body: nothing of it is worth showing
        return said
    for other in hits:
        if "\n" not in other.secret:
            line = line.replace(other.secret, REDACTED)
    if len(line) > _EXCERPT:
        at = max(0, line.find(REDACTED) - _EXCERPT // 2)
        line = ("..." if at else "") + line[at : at + _EXCERPT] + "..."
    return f"{said}: {line.strip()}"
