"""The policy in the Dockerfile stage: ignore, trusted registries (JDS106), the root rule per connector."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk.model import Connector
from jenkins_docker_sdk.reading import analyse
from jenkins_docker_sdk.validation.dockerfile_checks import registry_of, run_checks
from jenkins_docker_sdk.validation.policy import Policy

WHERE = Path("repo/Dockerfile")


def found(
    text: str, policy: Policy | None = None, connector: Connector | None = None
) -> list[tuple[str, str, str]]:
    return [(f.id, f.where, f.severity) for f in run_checks(analyse(text, WHERE), policy, connector)]


def test_ignore_suppresses_our_own_rules() -> None:
    text = "FROM ubuntu\nRUN true\n"
    assert {f[0] for f in found(text, Policy())} == {"JDS101", "JDS104"}
    assert {f[0] for f in found(text, Policy(ignore=frozenset({"JDS104", "JDS101"})))} == set()


@pytest.mark.parametrize(
    ("image", "registry"),
    [
        ("debian:12", "docker.io"),
        ("jenkins/inbound-agent:3283", "docker.io"),
        ("index.docker.io/library/debian:12", "docker.io"),
        ("ghcr.io/org/agent:1", "ghcr.io"),
        ("localhost/agent:1", "localhost"),
        ("registry.example.com:5000/team/agent@sha256:00", "registry.example.com:5000"),
        ("myhost:5000/agent:1", "myhost:5000"),
    ],
)
def test_registry_of(image: str, registry: str) -> None:
    assert registry_of(image) == registry


TRUSTED = Policy(trusted_registries=("registry.example.com", "docker.io"))


def test_from_an_untrusted_registry_is_an_error_after_arg_expansion() -> None:
    text = "ARG BASE=evil.example.org/agent:1\nFROM ${BASE}\nUSER jenkins\n"
    assert found(text, TRUSTED) == [("JDS106", "repo/Dockerfile:2:1", "error")]


def test_trusted_registries_earlier_stages_and_scratch_pass() -> None:
    text = (
        "FROM registry.example.com/tools:1 AS tools\nFROM debian:12 AS base\nFROM tools\n"
        "FROM scratch\nFROM Base\nUSER jenkins\n"
    )
    assert found(text, TRUSTED) == []


def test_an_empty_allow_list_trusts_every_registry() -> None:
    assert found("FROM evil.example.org/agent:1\nUSER jenkins\n", Policy()) == []


@pytest.mark.parametrize("connector", ["jnlp", "attach"])
def test_root_is_an_error_for_jnlp_and_attach(connector: Connector) -> None:
    assert found("FROM debian:12\n", Policy(), connector) == [("JDS101", "repo/Dockerfile:1:1", "error")]
    text = "FROM debian:12\nUSER jenkins\nUSER root:root\n"
    assert found(text, Policy(), connector) == [("JDS101", "repo/Dockerfile:3:1", "error")]
    assert found("FROM debian:12\nUSER 0\n", Policy(), connector)[0][2] == "error"
    assert found("FROM debian:12\nUSER 1000:1000\n", Policy(), connector) == []


def test_root_allowed_by_the_policy_is_a_warning() -> None:
    allowed = Policy(allow_root_user=True)
    assert found("FROM debian:12\n", allowed, "jnlp") == [("JDS101", "repo/Dockerfile:1:1", "warning")]


def test_root_stays_a_warning_for_ssh() -> None:
    assert found("FROM debian:12\n", Policy(), "ssh") == [("JDS101", "repo/Dockerfile:1:1", "warning")]
    assert found("FROM debian:12\nUSER root\n", Policy(), "ssh") == [
        ("JDS101", "repo/Dockerfile:2:1", "warning")
    ]


def test_without_connector_only_a_missing_user_is_reported() -> None:
    assert found("FROM debian:12\nUSER root\n", Policy()) == []
    assert found("FROM debian:12\n") == [("JDS101", "repo/Dockerfile:1:1", "warning")]
