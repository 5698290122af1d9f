"""The audit: no credential value, and nothing that looks like a secret, in rendered output.

Two kinds of finding: a known value (from a value source, in any form the masker knows) and
a secret-looking string, by the same rules the image gate uses
(:mod:`jenkins_docker_sdk.secret_rules`: private keys, AWS access key ids,
``user:password@`` URLs). A finding names the file and line and what was found, never the
secret. A private key whose line breaks were escaped into a string literal (``\\n`` in a
Groovy step) is found too. ``jds render`` audits what it writes, in the worker that renders
each job; a cheap substring test keeps the rules off files that cannot match them. The same
rules run on the farm's files as they are read (:mod:`jenkins_docker_sdk.reading`):
this audit is the second line of defence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import attrs

from jenkins_docker_sdk.secret_rules import Hit, find_secrets, may_hold_secret


class KnownValues(Protocol):
    """Credential values to look for, in every form they may take (a ``SecretMasker``)."""

    def spans(self, text: str) -> Iterable[tuple[int, int]]:
        """Where in ``text`` a known value appears: (start, end) of each."""
        ...


#: Shown as what a rendered file is, to the rules that care about the kind of file.
_KIND = "rendered output"


@attrs.frozen
class AuditFinding:
    """A secret in a rendered file: where it is and what it is (never its value)."""

    path: str
    line: int | None
    kind: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.kind}"


def audit_text(
    path: str, text: str, masker: KnownValues | None = None, *, lines: bool = True
) -> list[AuditFinding]:
    """The findings in one file's ``text``; ``lines=False`` leaves line numbers out."""
    found: list[AuditFinding] = []

    def line_of(index: int) -> int | None:
        return text.count("\n", 0, index) + 1 if lines and index >= 0 else None

    if masker is not None:
        for start, _ in masker.spans(text):
            found.append(AuditFinding(path, line_of(start), "a credential value from the value source"))
    if may_hold_secret(text):
        plain: set[str] = set()
        for hit in find_secrets(path, text.encode("utf-8"), _KIND):
            plain.add(hit.secret)
            found.append(AuditFinding(path, line_of(text.find(hit.secret)), hit.kind))
        if "PRIVATE KEY-----" in text and "\\" in text:
            for hit in _escaped_keys(path, text):
                if hit.secret not in plain:
                    first = hit.secret.split("\n", 1)[0][:16]
                    found.append(AuditFinding(path, line_of(text.find(first)), hit.kind))
    return found


#: Line breaks as a Groovy, JSON or YAML string literal writes them, escaped once or more.
_ESCAPED_BREAK = re.compile(r"\\+[nr]")


def _escaped_keys(path: str, text: str) -> list[Hit]:
    """Private keys written inside string literals: their line breaks are ``\\n`` escapes."""
    unescaped = _ESCAPED_BREAK.sub("\n", text)
    return [hit for hit in find_secrets(path, unescaped.encode("utf-8"), None) if "PRIVATE KEY" in hit.kind]


def audit_directory(out: Path, masker: KnownValues | None = None) -> list[AuditFinding]:
    """Every finding in every file under ``out`` (binary files are read as text, leniently)."""
    found = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        found.extend(audit_text(str(path.relative_to(out)), text, masker))
    return found
