"""What a validation finds: findings, the checks that ran, and the report that holds both.

A finding never holds a secret: checks that meet one describe it with :func:`redact`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import attrs

from jenkins_docker_sdk.model import Location

Severity = Literal["error", "warning", "info"]

#: Severities from the most to the least serious.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

EXIT_PASSED, EXIT_FAILED = 0, 1


def redact(value: str) -> str:
    """A secret as it may be shown: at most its first 4 characters (never more than a
    third of it) and its length, e.g. ``'hunt…' (12 characters)``."""
    shown = value[: min(4, len(value) // 3)]
    return f"'{shown}…' ({len(value)} characters)"


@attrs.frozen(kw_only=True)
class Finding:
    """One problem found by one check.

    Attributes:
        id: the rule that found it: ``DL3008`` / ``SC2086`` (hadolint) or ``JDS1xx`` (ours).
        severity: ``error`` (fails the validation), ``warning`` or ``info``.
        title: what is wrong, in one line; secrets appear only redacted.
        check: the name of the check that reported it.
        location: file, line and column, for findings in a file such as a Dockerfile.
        layer: the image layer, for findings in an image; ``path`` the file in it.
        hint: how to fix it.
        help_uri: where the rule is documented.
    """

    id: str
    severity: Severity = attrs.field(validator=attrs.validators.in_(SEVERITIES))
    title: str
    check: str
    location: Location | None = None
    layer: str | None = None
    path: str | None = None
    hint: str | None = None
    help_uri: str | None = None

    @property
    def where(self) -> str:
        """``file:line[:col]``, ``layer:path``, or ``""`` for a finding about the whole input."""
        if self.location is not None:
            return str(self.location)
        if self.layer is not None or self.path is not None:
            return ":".join(part for part in (self.layer, self.path) if part)
        return ""


@attrs.frozen
class Check:
    """A check the validator can run.

    Attributes:
        name: its short name, e.g. ``no-user`` or ``hadolint``.
        title: what it checks, in one line.
        rule: its rule id for our own checks (``JDS101``); ``None`` for a tool that
            reports its own rule ids (hadolint).
        help_uri: where it is documented.
    """

    name: str
    title: str
    rule: str | None = None
    help_uri: str | None = None


def _sort_key(finding: Finding) -> tuple[str, int, int, int, str]:
    where = finding.location
    return (
        str(where.path) if where else finding.where,
        (where.line or 0) if where else 0,
        (where.column or 0) if where else 0,
        SEVERITIES.index(finding.severity),
        finding.id,
    )


def _sorted(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=_sort_key))


@attrs.frozen
class ValidationReport:
    """The findings of one validation run and the checks it ran.

    A check *fails* when it reported at least one error; the report passes when no check
    failed. Warnings and info findings are reported but never fail it.

    Attributes:
        subject: what was validated, e.g. the Dockerfile's path.
        checks: every check that ran, in order.
        findings: every finding, ordered by file, line, column and severity.
    """

    subject: str
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...] = attrs.field(converter=_sorted)

    @classmethod
    def build(cls, subject: str, checks: Iterable[Check], findings: Iterable[Finding]) -> ValidationReport:
        """A report; refuses findings of a check that is not in ``checks``."""
        ran = tuple(checks)
        found = tuple(findings)
        strays = sorted({f.check for f in found} - {check.name for check in ran})
        if strays:
            raise ValueError(f"findings of checks that did not run: {', '.join(strays)}")
        return cls(subject, ran, found)

    def findings_of(self, check: str) -> tuple[Finding, ...]:
        """The findings of the check named ``check``."""
        return tuple(f for f in self.findings if f.check == check)

    def passed(self, check: str) -> bool:
        """Whether the check named ``check`` reported no error."""
        return not any(f.severity == "error" for f in self.findings_of(check))

    @property
    def failed_checks(self) -> tuple[Check, ...]:
        """The checks that reported at least one error."""
        return tuple(c for c in self.checks if not self.passed(c.name))

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return not self.failed_checks

    @property
    def exit_code(self) -> int:
        """0 when every check passed, 1 when one failed (a policy failure)."""
        return EXIT_PASSED if self.ok else EXIT_FAILED

    def count(self, severity: Severity) -> int:
        """How many findings have ``severity``."""
        return sum(1 for f in self.findings if f.severity == severity)
