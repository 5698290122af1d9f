"""ImageValidator: the gate an agent image passes before it joins the farm.

It has the policy (a YAML file, see :func:`load_policy`), the Dockerfile stage (hadolint
merged with our own checks), the image stage's static part (one streamed read of the
image: sizes, waste, secrets, setuid files) and the report in text, JSON, JUnit XML and
SARIF 2.1.0.
"""

from __future__ import annotations

from jenkins_docker_sdk.errors import HadolintError
from jenkins_docker_sdk.reading import (
    CommandTest,
    FileContentTest,
    FileExistenceTest,
    KeyValue,
    MetadataTest,
    PolicyFile,
    TestSuite,
    policy_schema,
)
from jenkins_docker_sdk.validation.dockerfile_checks import CHECKS as DOCKERFILE_CHECKS
from jenkins_docker_sdk.validation.dockerfile_lint import lint_dockerfile
from jenkins_docker_sdk.validation.findings import Check, Finding, Severity, ValidationReport, redact
from jenkins_docker_sdk.validation.hadolint import Hadolint, find_hadolint
from jenkins_docker_sdk.validation.image_checks import CHECKS as IMAGE_CHECKS
from jenkins_docker_sdk.validation.image_checks import check_image
from jenkins_docker_sdk.validation.policy import DEFAULT_POLICY, Policy, load_policy
from jenkins_docker_sdk.validation.report_formats import FORMATS, render, to_dict
from jenkins_docker_sdk.validation.validator import ImageValidator

__all__ = [
    "DEFAULT_POLICY",
    "DOCKERFILE_CHECKS",
    "FORMATS",
    "IMAGE_CHECKS",
    "Check",
    "CommandTest",
    "FileContentTest",
    "FileExistenceTest",
    "Finding",
    "Hadolint",
    "HadolintError",
    "ImageValidator",
    "KeyValue",
    "MetadataTest",
    "Policy",
    "PolicyFile",
    "Severity",
    "TestSuite",
    "ValidationReport",
    "check_image",
    "find_hadolint",
    "lint_dockerfile",
    "load_policy",
    "policy_schema",
    "redact",
    "render",
    "to_dict",
]
