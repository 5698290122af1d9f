"""A :class:`ValidationReport` as text (a table for people) or JSON; the dispatch by format.

JUnit XML and SARIF live in :mod:`.junit` and :mod:`.sarif`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from jenkins_docker_sdk.validation.findings import Finding, ValidationReport
from jenkins_docker_sdk.validation.junit import to_junit
from jenkins_docker_sdk.validation.sarif import to_sarif

FORMATS = ("text", "json", "junit", "sarif")
REPORT_VERSION = 1


def to_text(report: ValidationReport) -> str:
    """A readable table: where (file:line first), severity, rule, title; the fix under it."""
    rows = [(f.where or "-", f.severity, f.id, f.title) for f in report.findings]
    widths = [max([len(head), *(len(row[i]) for row in rows)]) for i, head in enumerate(_HEADS[:3])]
    lines = [f"{report.subject}: {'PASS' if report.ok else 'FAIL'}"]
    if rows:
        lines.append("  ".join(h.ljust(w) for h, w in zip(_HEADS, [*widths, 0], strict=True)).rstrip())
        for finding, row in zip(report.findings, rows, strict=True):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, [*widths, 0], strict=True)).rstrip())
            if finding.hint:
                lines.append(" " * (sum(widths) + 6) + f"fix: {finding.hint}")
    lines.append("")
    name_width = min(40, max([16, *(len(check.name) for check in report.checks)]))
    for check in report.checks:
        found = len(report.findings_of(check.name))
        verdict = "pass" if report.passed(check.name) else "FAIL"
        lines.append(
            f"  {verdict:<4}  {check.name:<{name_width}} {check.title}"
            f" ({found} finding{'' if found == 1 else 's'})"
        )
    lines.append(
        f"{report.count('error')} errors, {report.count('warning')} warnings, {report.count('info')} info; "
        f"{len(report.failed_checks)} of {len(report.checks)} checks failed"
    )
    return "\n".join(lines) + "\n"


_HEADS = ("WHERE", "SEVERITY", "RULE", "TITLE")


def finding_dict(finding: Finding) -> dict[str, Any]:
    """One finding as plain JSON data."""
    where = finding.location
    return {
        "id": finding.id,
        "severity": finding.severity,
        "title": finding.title,
        "check": finding.check,
        "where": finding.where,
        "file": str(where.path) if where else None,
        "line": where.line if where else None,
        "column": where.column if where else None,
        "layer": finding.layer,
        "path": finding.path,
        "hint": finding.hint,
        "help_uri": finding.help_uri,
    }


def to_dict(report: ValidationReport) -> dict[str, Any]:
    """The report as plain JSON data."""
    return {
        "version": REPORT_VERSION,
        "subject": report.subject,
        "passed": report.ok,
        "exit_code": report.exit_code,
        "summary": {severity: report.count(severity) for severity in ("error", "warning", "info")},
        "checks": [
            {
                "name": check.name,
                "title": check.title,
                "rule": check.rule,
                "passed": report.passed(check.name),
                "findings": len(report.findings_of(check.name)),
            }
            for check in report.checks
        ],
        "findings": [finding_dict(f) for f in report.findings],
    }


def to_json(report: ValidationReport) -> str:
    """The report as indented JSON."""
    return json.dumps(to_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[ValidationReport], str]] = {
    "text": to_text,
    "json": to_json,
    "junit": to_junit,
    "sarif": to_sarif,
}


def render(report: ValidationReport, fmt: str) -> str:
    """``report`` in the format named ``fmt`` (one of :data:`FORMATS`)."""
    try:
        return RENDERERS[fmt](report)
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; accepted: {', '.join(FORMATS)}") from None


def render_many(reports: Sequence[ValidationReport], fmt: str) -> str:
    """Several reports (``jds validate --farm``: one per image) as one document: text one
    after another with a verdict line; JSON ``{"version", "passed", "exit_code", "reports"}``;
    JUnit one ``testsuite`` per report; SARIF one run per report."""
    if not reports:
        raise ValueError("no reports to render")
    failed = [r for r in reports if not r.ok]
    if fmt == "junit":
        return to_junit(*reports)
    if fmt == "sarif":
        return to_sarif(*reports)
    if fmt == "json":
        data = {
            "version": REPORT_VERSION,
            "passed": not failed,
            "exit_code": max(r.exit_code for r in reports),
            "reports": [to_dict(r) for r in reports],
        }
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    verdict = f"{len(reports) - len(failed)} of {len(reports)} images passed"
    if failed:
        verdict += "; failed: " + ", ".join(r.subject for r in failed)
    return "\n".join(to_text(r) for r in reports) + "\n" + verdict + "\n"
