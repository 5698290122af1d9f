"""The validation policy file's shape: what a policy YAML may hold, read strictly.

The farm's reader checks a policy that ``farm.yml`` names when it reads the farm (a bad
policy is bad input of the farm, reported at its line), and the image gate builds its
:class:`~jenkins_docker_sdk.validation.Policy` from the same file model. The tests keep
container-structure-test's key names (:mod:`._cst`), so that existing suites load unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import names, spec
from jenkins_docker_sdk.reading._cst import CommandTest, FileContentTest, FileExistenceTest, MetadataTest
from jenkins_docker_sdk.reading._manifest import json_schema, read
from jenkins_docker_sdk.reading._yaml import load_yaml

_RULE = re.compile(r"(JDS|DL|SC)[0-9]{3,4}")


def _rule_id(value: str) -> str | None:
    if _RULE.fullmatch(value):
        return None
    return "a rule id is JDSnnn (jds), DLnnnn (hadolint) or SCnnnn (ShellCheck), e.g. DL3008"


def _absolute_path(value: str) -> str | None:
    if value.startswith("/") and "\n" not in value:
        return None
    return "an absolute path in the image, e.g. /usr/bin/passwd"


@attrs.frozen
class RequirementsFile:
    """Tests in container-structure-test's format."""

    commandTests: list[CommandTest] | None = spec("Commands run in the image.", default=None)
    fileExistenceTests: list[FileExistenceTest] | None = spec("Paths that must (not) exist.", default=None)
    fileContentTests: list[FileContentTest] | None = spec("File contents to match.", default=None)
    metadataTest: MetadataTest | None = spec("The image config.", default=None)


@attrs.frozen
class ConnectorsFile:
    """Requirements per connector; ``all`` applies to every agent."""

    all: RequirementsFile | None = spec("Every agent.", default=None)
    jnlp: RequirementsFile | None = spec("Agents that connect to Jenkins (inbound).", default=None)
    ssh: RequirementsFile | None = spec("Agents Jenkins reaches over ssh.", default=None)
    attach: RequirementsFile | None = spec("Agents Jenkins attaches to through Docker.", default=None)


@attrs.frozen
class PolicyFile:
    """A validation policy file (a container-structure-test suite is one)."""

    extends: Literal["default"] | None = spec(
        "Start from the policy shipped with jds; without it the file is complete.", default=None
    )
    schemaVersion: Literal["1.0.0", "2.0.0"] | None = spec(
        "container-structure-test's version key, accepted so suites load unchanged.", default=None
    )
    allow_root_user: bool | None = spec("Agents may run as root (default false).", default=None)
    max_size_mb: int | None = spec("Largest image in MB (default 2048).", minimum=1, default=None)
    max_wasted_percent: float | None = spec(
        "Most of the image that may be wasted bytes, in % (default 10).", maximum=100, default=None
    )
    trusted_registries: list[str] | None = spec(
        "Registries base images may come from (empty: any).", check=names.registry_host, default=None
    )
    setuid_allowed: list[str] | None = spec(
        "setuid/setgid files allowed in the image.", check=_absolute_path, default=None
    )
    ignore: list[str] | None = spec(
        "Rule ids not to report: jds's (JDS101) and hadolint's (DL3008, SC2086).",
        check=_rule_id,
        default=None,
    )
    connectors: ConnectorsFile | None = spec("Requirements per connector.", default=None)
    commandTests: list[CommandTest] | None = spec("Commands run in every agent image.", default=None)
    fileExistenceTests: list[FileExistenceTest] | None = spec(
        "Paths that must (not) exist in every agent image.", default=None
    )
    fileContentTests: list[FileContentTest] | None = spec(
        "File contents to match in every agent image.", default=None
    )
    metadataTest: MetadataTest | None = spec("The config of every agent image.", default=None)


def read_policy_file(path: Path) -> PolicyFile:
    """Read a policy file strictly: unknown keys (with a did-you-mean) and wrong types at their line.

    Raises:
        InputError: the file cannot be read, is not YAML, or is not a policy.
    """
    policy, problems = read(load_yaml(path), PolicyFile, path, "policy")
    if problems or policy is None:
        raise InputError(problems)
    return policy


def policy_schema() -> dict[str, object]:
    """The JSON Schema of a policy file."""
    return json_schema(PolicyFile, "jds validation policy")
