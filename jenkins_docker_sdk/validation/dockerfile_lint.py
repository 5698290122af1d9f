"""The Dockerfile stage of the gate: hadolint merged with our own checks, in one report."""

from __future__ import annotations

from pathlib import Path

from jenkins_docker_sdk.model import Connector
from jenkins_docker_sdk.reading import parse_dockerfile
from jenkins_docker_sdk.validation.dockerfile_checks import CHECKS, run_checks
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import HADOLINT, Hadolint
from jenkins_docker_sdk.validation.policy import Policy


def lint_dockerfile(
    path: Path,
    *,
    hadolint: Hadolint | None = None,
    policy: Policy | None = None,
    connector: Connector | None = None,
) -> ValidationReport:
    """Validate the Dockerfile at ``path``: our checks on BuildKit's parse, then hadolint.

    Args:
        path: the Dockerfile; findings name it as given.
        hadolint: the hadolint runner (its binary, ignored rules, trusted registries).
        policy: the policy: rules it ignores (ours and hadolint's) are not reported,
            FROM images must come from its trusted registries, root is an error for
            jnlp/attach agents unless it allows root.
        connector: how Jenkins connects to the agent built from it, when known.

    Raises:
        DockerfileError: the Dockerfile cannot be read or parsed (bad input).
        HadolintError: hadolint is missing or failed.
    """
    info = parse_dockerfile(path)  # bad input stops here, before any tool runs
    findings = run_checks(info, policy, connector)
    hadolint_findings = (hadolint or Hadolint()).lint(path, display=path)
    if policy is not None:
        hadolint_findings = [f for f in hadolint_findings if not policy.ignores(f.id)]
    findings.extend(hadolint_findings)
    return ValidationReport.build(str(path), (*CHECKS, HADOLINT), findings)
