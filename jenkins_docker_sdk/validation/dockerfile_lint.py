"""The Dockerfile stage of the gate: hadolint merged with our own checks, in one report."""

from __future__ import annotations

from pathlib import Path

from jenkins_docker_sdk.dockerfile import parse_dockerfile
from jenkins_docker_sdk.validation.dockerfile_checks import CHECKS, run_checks
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import HADOLINT, Hadolint


def lint_dockerfile(path: Path, *, hadolint: Hadolint | None = None) -> ValidationReport:
    """Validate the Dockerfile at ``path``: our checks on BuildKit's parse, then hadolint.

    Args:
        path: the Dockerfile; findings name it as given.
        hadolint: the hadolint runner (its binary, ignored rules, trusted registries).

    Raises:
        DockerfileError: the Dockerfile cannot be read or parsed (bad input).
        HadolintError: hadolint is missing or failed.
    """
    info = parse_dockerfile(path)  # bad input stops here, before any tool runs
    findings = run_checks(info)
    findings.extend((hadolint or Hadolint()).lint(path, display=path))
    return ValidationReport.build(str(path), (*CHECKS, HADOLINT), findings)
