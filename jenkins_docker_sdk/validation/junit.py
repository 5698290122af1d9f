"""A :class:`ValidationReport` as JUnit XML, the way Jenkins' ``junit`` step reads it.

One ``testcase`` per check: a failed check carries a ``failure`` (message and type)
listing its findings; warnings of a passing check go to its ``system-out``. Every value
goes through :func:`~jenkins_docker_sdk.render.xml_text`, the SDK's XML escaping.
"""

from __future__ import annotations

import re

from jenkins_docker_sdk.render import xml_text
from jenkins_docker_sdk.validation.findings import Finding, ValidationReport

CLASSNAME = "jds.validate"
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(value: object) -> str:
    """XML text; characters XML cannot carry at all (from tool output) become U+FFFD."""
    return xml_text(_FORBIDDEN.sub("\ufffd", str(value)))


def _line(finding: Finding) -> str:
    text = f"{finding.where or '-'}: {finding.severity} {finding.id}: {finding.title}"
    return text + (f"\n    fix: {finding.hint}" if finding.hint else "")


def _suite(report: ValidationReport, classname: str) -> list[str]:
    tests, failures = len(report.checks), len(report.failed_checks)
    out = [
        f'  <testsuite name="{_x(report.subject)}" tests="{tests}" failures="{failures}"'
        ' errors="0" skipped="0" time="0">'
    ]
    for check in report.checks:
        findings = report.findings_of(check.name)
        out.append(f'    <testcase classname="{_x(classname)}" name="{_x(check.name)}" time="0">')
        body = _x("\n".join(_line(f) for f in findings))
        if not report.passed(check.name):
            errors = sum(1 for f in findings if f.severity == "error")
            message = f"{check.title}: {errors} error{'' if errors == 1 else 's'}"
            kind = _x(check.rule or check.name)
            out.append(f'      <failure message="{_x(message)}" type="{kind}">{body}</failure>')
        elif findings:
            out.append(f"      <system-out>{body}</system-out>")
        out.append("    </testcase>")
    out.append("  </testsuite>")
    return out


def to_junit(report: ValidationReport, *more: ValidationReport) -> str:
    """The report(s) as a JUnit XML document: one ``testsuite`` per report, one ``testcase``
    per check. With several reports each suite's classname is ``jds.validate.<subject>``, so
    that Jenkins keeps the images' checks apart."""
    reports = (report, *more)
    tests = sum(len(r.checks) for r in reports)
    failures = sum(len(r.failed_checks) for r in reports)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="jds validate" tests="{tests}" failures="{failures}"'
        ' errors="0" skipped="0" time="0">',
    ]
    for each in reports:
        out += _suite(each, CLASSNAME if not more else f"{CLASSNAME}.{each.subject}")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
