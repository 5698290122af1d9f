"""The policy's tests as checks: one check per test, so Jenkins' junit step shows each one.

File and metadata tests are answered statically (:mod:`.image_files`); command tests run
in the probe container (:mod:`.probes`), which uses :func:`unique_checks` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from jenkins_docker_sdk.reading import TestSuite
from jenkins_docker_sdk.validation.findings import Check, Finding
from jenkins_docker_sdk.validation.image_files import (
    file_content_problems,
    file_existence_problems,
    metadata_problems,
)
from jenkins_docker_sdk.validation.layers import Entry

FILE_RULE, CONTENT_RULE, METADATA_RULE = "JDS302", "JDS303", "JDS304"
METADATA = Check("metadata", "The image config matches the policy's metadataTest", METADATA_RULE)


def unique_checks(prefix: str, names: Sequence[str], title: str, rule: str) -> tuple[Check, ...]:
    """A check per test, named ``prefix: NAME`` (``NAME #2`` when two tests share a name)."""
    seen: dict[str, int] = {}
    checks = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        shown = name if seen[name] == 1 else f"{name} #{seen[name]}"
        checks.append(Check(f"{prefix}: {shown}", title, rule))
    return tuple(checks)


def _findings(check: Check, problems: Iterable[str], path: str | None, hint: str) -> Iterator[Finding]:
    assert check.rule is not None
    for problem in problems:
        yield Finding(
            id=check.rule,
            severity="error",
            title=f"{path} {problem}" if path else problem,
            check=check.name,
            path=path,
            hint=hint,
        )


def static_suite_checks(
    suite: TestSuite, view: dict[str, Entry], scanned: tuple[tuple[Any, ...], ...], config: dict[str, Any]
) -> tuple[tuple[Check, ...], list[Finding]]:
    """The checks and findings of ``suite``'s file existence, file content and metadata tests."""
    existence = unique_checks(
        "file", [t.name for t in suite.fileExistenceTests], "The policy's fileExistenceTest passes", FILE_RULE
    )
    content = unique_checks(
        "content",
        [t.name for t in suite.fileContentTests],
        "The policy's fileContentTest passes",
        CONTENT_RULE,
    )
    findings: list[Finding] = []
    for check, test in zip(existence, suite.fileExistenceTests, strict=True):
        hint = "make the Dockerfile create (or remove) it with the owner and mode the policy names"
        findings += _findings(check, file_existence_problems(test, view), test.path, hint)
    for check, content_test in zip(content, suite.fileContentTests, strict=True):
        hint = "make the file's contents match the policy"
        problems = file_content_problems(content_test, view, scanned)
        findings += _findings(check, problems, content_test.path, hint)
    checks = existence + content
    if suite.metadataTest is not None:
        checks += (METADATA,)
        hint = "set it in the Dockerfile (ENV, LABEL, EXPOSE, ENTRYPOINT, CMD, WORKDIR, VOLUME, USER)"
        findings += _findings(METADATA, metadata_problems(suite.metadataTest, config), None, hint)
    return checks, findings
