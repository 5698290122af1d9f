"""A :class:`ValidationReport` as SARIF 2.1.0, for code-scanning views.

``tool.driver.rules`` holds one rule per rule id in the report: each of our checks, and
each hadolint rule that reported something. Results point at their rule by ``ruleId``
and ``ruleIndex``; file findings carry a ``physicalLocation`` with ``region``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jenkins_docker_sdk.validation.findings import Finding, Severity, ValidationReport

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_LEVELS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: Path) -> str:
    """A relative path as a relative URI reference; an absolute one as a file URI."""
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _rules(report: ValidationReport) -> list[dict[str, Any]]:
    rules: dict[str, dict[str, Any]] = {}
    for check in report.checks:
        if check.rule is not None and check.rule not in rules:  # JDS301 & co: one check per test
            rules[check.rule] = {
                "id": check.rule,
                "name": check.name,
                "shortDescription": {"text": check.title},
            }
    for finding in report.findings:
        if finding.id not in rules:
            rule: dict[str, Any] = {"id": finding.id, "shortDescription": {"text": finding.title}}
            if finding.help_uri:
                rule["helpUri"] = finding.help_uri
            rules[finding.id] = rule
    return list(rules.values())


def _result(finding: Finding, index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.id,
        "ruleIndex": index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.title + (f" (fix: {finding.hint})" if finding.hint else "")},
        "properties": {"check": finding.check},
    }
    where = finding.location
    if where is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(where.path)}}
        if where.line is not None:
            physical["region"] = {"startLine": where.line, "startColumn": where.column or 1}
        result["locations"] = [{"physicalLocation": physical}]
    elif finding.where:
        result["locations"] = [{"logicalLocations": [{"fullyQualifiedName": finding.where}]}]
    return result


def _run(report: ValidationReport) -> dict[str, Any]:
    rules = _rules(report)
    index = {rule["id"]: n for n, rule in enumerate(rules)}
    return {
        "tool": {"driver": {"name": "jds validate", "rules": rules}},
        "results": [_result(f, index[f.id]) for f in report.findings],
    }


def to_sarif_dict(report: ValidationReport, *more: ValidationReport) -> dict[str, Any]:
    """The report(s) as a SARIF 2.1.0 log (plain JSON data): one run per report."""
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [_run(r) for r in (report, *more)]}


def to_sarif(report: ValidationReport, *more: ValidationReport) -> str:
    """The report(s) as a SARIF 2.1.0 JSON document."""
    return json.dumps(to_sarif_dict(report, *more), indent=2, ensure_ascii=False) + "\n"
