"""The validation policy as data: its file (read by :mod:`jenkins_docker_sdk.reading`) with defaults.

A policy says what an agent image must satisfy, per connector. ``extends: default``
starts from the policy shipped with the SDK (``default-policy.yml``): the keys a file
writes replace the default's, and its tests are added to the default's. Without
``extends`` a policy is complete on its own. A container-structure-test suite is a valid
policy: its top-level tests apply to every connector.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal, TypeVar

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Connector, Location
from jenkins_docker_sdk.reading import (
    ConnectorsFile,
    PolicyFile,
    RequirementsFile,
    TestSuite,
    read_policy_file,
)

#: The policy shipped with the SDK.
DEFAULT_POLICY = Path(__file__).with_name("default-policy.yml")

T = TypeVar("T")

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
