"""The validation policy as data: a YAML file read strictly by the manifest machinery.

A policy says what an agent image must satisfy, per connector. ``extends: default``
starts from the policy shipped with the SDK (``default-policy.yml``): the keys a file
writes replace the default's, and its tests are added to the default's. Without
``extends`` a policy is complete on its own. A container-structure-test suite is a valid
policy: its top-level tests apply to every connector.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeVar

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Connector, Location, names, spec
from jenkins_docker_sdk.reading import json_schema, load_yaml, read
from jenkins_docker_sdk.validation.cst import (
    CommandTest,
    FileContentTest,
    FileExistenceTest,
    MetadataTest,
    TestSuite,
)

#: The policy shipped with the SDK.
DEFAULT_POLICY = Path(__file__).with_name("default-policy.yml")

T = TypeVar("T")

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


Section = Literal["all", "jnlp", "ssh", "attach"]
SECTIONS: tuple[Section, ...] = ("all", "jnlp", "ssh", "attach")


@attrs.frozen(kw_only=True)
class Policy:
    """What an agent image must satisfy, with every default applied.

    Attributes:
        allow_root_user: agents may run as root.
        max_size_mb: the largest image, in MB.
        max_wasted_percent: the most of the image that may be wasted, in %.
        trusted_registries: registries base images may come from; empty: any.
        setuid_allowed: setuid/setgid paths allowed in the image.
        ignore: rule ids not reported (jds and hadolint).
        suites: the tests per section (``all`` and each connector).
        source: the file the policy was read from.
    """

    allow_root_user: bool = False
    max_size_mb: int = 2048
    max_wasted_percent: float = 10.0
    trusted_registries: tuple[str, ...] = ()
    setuid_allowed: tuple[str, ...] = ()
    ignore: frozenset[str] = frozenset()
    suites: Mapping[Section, TestSuite] = attrs.field(factory=dict)
    source: Path | None = attrs.field(default=None, eq=False)

    def requirements_for(self, connector: Connector | None) -> TestSuite:
        """The tests an image for ``connector`` must pass: ``all``'s, then the connector's."""
        suite = self.suites.get("all", TestSuite())
        if connector is not None:
            suite = suite + self.suites.get(connector, TestSuite())
        return suite

    def ignores(self, rule: str) -> bool:
        """Whether findings of ``rule`` are suppressed."""
        return rule in self.ignore


def _suite(section: RequirementsFile | PolicyFile | None) -> TestSuite:
    if section is None:
        return TestSuite()
    return TestSuite(
        tuple(section.commandTests or ()),
        tuple(section.fileExistenceTests or ()),
        tuple(section.fileContentTests or ()),
        section.metadataTest,
    )


def _or(value: T | None, fallback: T) -> T:
    return fallback if value is None else value


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def from_file(file: PolicyFile, source: Path | None, base: Policy | None = None) -> Policy:
    """The policy ``file`` describes, on top of ``base`` (written keys replace, tests add up)."""
    start = base or Policy()
    connectors = file.connectors or ConnectorsFile()
    own: dict[Section, TestSuite] = {name: _suite(getattr(connectors, name)) for name in SECTIONS}
    own["all"] = own["all"] + _suite(file)  # top-level CST tests apply to every connector
    suites = {name: start.suites.get(name, TestSuite()) + own[name] for name in SECTIONS}

    return Policy(
        allow_root_user=_or(file.allow_root_user, start.allow_root_user),
        max_size_mb=_or(file.max_size_mb, start.max_size_mb),
        max_wasted_percent=float(_or(file.max_wasted_percent, start.max_wasted_percent)),
        trusted_registries=_or(_tuple(file.trusted_registries), start.trusted_registries),
        setuid_allowed=_or(_tuple(file.setuid_allowed), start.setuid_allowed),
        ignore=_or(None if file.ignore is None else frozenset(file.ignore), start.ignore),
        suites={name: suite for name, suite in suites.items() if suite != TestSuite()},
        source=source,
    )


def read_policy_file(path: Path) -> PolicyFile:
    """Read a policy file strictly: unknown keys (with a did-you-mean) and wrong types at their line.

    Raises:
        InputError: the file cannot be read, is not YAML, or is not a policy.
    """
    policy, problems = read(load_yaml(path), PolicyFile, path, "policy")
    if problems or policy is None:
        raise InputError(problems)
    return policy


def load_policy(path: Path | None = None) -> Policy:
    """The policy in ``path``, or the default policy when ``path`` is ``None``.

    Raises:
        InputError: the file is missing or not a valid policy (file:line, what is accepted).
    """
    if path is None:
        return from_file(read_policy_file(DEFAULT_POLICY), DEFAULT_POLICY)
    if not path.is_file():
        raise InputError.at("policy file not found", Location(path), "give the path of a YAML policy file")
    file = read_policy_file(path)
    base = load_policy() if file.extends == "default" else None
    return from_file(file, path, base)


def policy_schema() -> dict[str, object]:
    """The JSON Schema of a policy file."""
    return json_schema(PolicyFile, "jds validation policy")
