"""Our own Dockerfile checks (JDS101-105): each caught with file:line, and its negatives."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk.reading import analyse
from jenkins_docker_sdk.validation.dockerfile_checks import is_secret_name, run_checks
from jenkins_docker_sdk.validation.findings import Finding, redact

WHERE = Path("repo/Dockerfile")
GOOD_TAIL = "USER jenkins\n"


def findings(text: str, check: str) -> list[Finding]:
    return [f for f in run_checks(analyse(text, WHERE)) if f.check == check]


def wheres(text: str, check: str) -> list[tuple[str, str]]:
    return [(f.where, f.severity) for f in findings(text, check)]


# JDS101 no-user


def test_no_user_at_all_is_a_warning_at_the_final_from() -> None:
    text = "FROM debian:12 AS build\nRUN true\nFROM debian:12\nRUN id\n"
    assert wheres(text, "no-user") == [("repo/Dockerfile:3:1", "warning")]


def test_user_in_the_final_stage_or_an_inherited_stage_passes() -> None:
    assert findings("FROM debian:12\nUSER jenkins\n", "no-user") == []
    assert findings("FROM debian:12 AS base\nUSER 1000\nFROM base\nRUN id\n", "no-user") == []


# JDS102 secret-env


def test_secret_values_in_env_and_arg_are_errors_and_never_shown() -> None:
    text = (
        "FROM debian:12\n"
        "ENV JENKINS_PASSWORD=hunter2-very-secret-value \\\n"
        "    HOME_DIR=/home\n"
        "ARG NPM_TOKEN=npm_abcdefghijklmnop\n"
        "ENV API_KEY=$BUILD_KEY\n" + GOOD_TAIL
    )
    found = findings(text, "secret-env")
    assert [(f.where, f.severity) for f in found] == [
        ("repo/Dockerfile:2:5", "error"),
        ("repo/Dockerfile:4:5", "error"),
        ("repo/Dockerfile:5:5", "error"),
    ]
    assert "hunter2-very-secret-value" not in repr(found)
    assert "npm_abcdefghijklmnop" not in repr(found)
    assert redact("hunter2-very-secret-value") in found[0].title


def test_secret_build_arg_without_value_is_a_warning() -> None:
    text = "FROM debian:12\nARG GITHUB_TOKEN\n" + GOOD_TAIL
    assert wheres(text, "secret-env") == [("repo/Dockerfile:2:5", "warning")]


def test_names_that_only_point_at_a_secret_pass() -> None:
    text = (
        "FROM debian:12\nENV SSH_KEY_FILE=/run/secrets/key GPG_KEY_ID=ABCD KEYBOARD=us PWD_HINT=x\n"
        + GOOD_TAIL
    )
    assert findings(text, "secret-env") == []


def test_public_key_fingerprints_pass_but_other_values_under_those_names_do_not() -> None:
    """python's official image: ENV GPG_KEY <fingerprint>; node's: NODE_GPG_KEYS <several>."""
    fingerprint = "A035C8C19219BA821ECEA86B64E628F8D684696D"
    text = (
        f"FROM debian:12\nENV GPG_KEY={fingerprint}\n"
        f'ENV NODE_GPG_KEYS="{fingerprint} 4ED778F539E3634C779C87C6D7062848A1AB005C"\n'
        f"ENV API_KEY={fingerprint}\nENV GPG_KEY_PASSPHRASE=correct-horse\n" + GOOD_TAIL
    )
    assert wheres(text, "secret-env") == [("repo/Dockerfile:4:5", "error"), ("repo/Dockerfile:5:5", "error")]


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("PASSWORD", True),
        ("db_password", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("DEPLOY_TOKEN", True),
        ("API_KEY", True),
        ("SSH_KEY_FILE", False),
        ("MONKEY", False),
        ("TOKENIZER_PATH", False),
        ("JAVA_HOME", False),
    ],
)
def test_secret_names(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_redaction_shows_at_most_a_third_and_the_length() -> None:
    assert redact("abcdefghijklmnop") == "'abcd…' (16 characters)"
    assert redact("hunter2") == "'hu…' (7 characters)"
    assert redact("ab") == "'…' (2 characters)"


# JDS103 add-url


def test_add_from_url_without_checksum_is_an_error() -> None:
    text = "FROM debian:12\nADD --chown=1000 https://example.com/tool.tar.gz /opt/\n" + GOOD_TAIL
    assert wheres(text, "add-url") == [("repo/Dockerfile:2:18", "error")]


def test_add_with_checksum_or_local_files_passes() -> None:
    text = (
        "FROM debian:12\n"
        "ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d "
        "https://example.com/tool.tar.gz /opt/\n"
        "ADD tool.tar.gz /opt/\n" + GOOD_TAIL
    )
    assert findings(text, "add-url") == []


# JDS104 base-tag


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("FROM ubuntu\n", "repo/Dockerfile:1:1", "has no tag"),
        ("FROM ubuntu:latest\n", "repo/Dockerfile:1:1", "latest"),
        (
            "ARG BASE=registry.example.com:5000/team/agent\nFROM ${BASE}\n",
            "repo/Dockerfile:2:1",
            "has no tag",
        ),
        ("ARG TAG=latest\nFROM debian:${TAG}\n", "repo/Dockerfile:2:1", "latest"),
    ],
)
def test_untagged_or_latest_from_is_an_error_after_arg_expansion(text: str, where: str, says: str) -> None:
    found = findings(text + GOOD_TAIL, "base-tag")
    assert [(f.where, f.severity) for f in found] == [(where, "error")]
    assert says in found[0].title


def test_pinned_digest_earlier_stage_and_scratch_pass() -> None:
    text = (
        "ARG V=12.7\n"
        "FROM debian:${V}-slim AS build\n"
        "FROM registry.example.com:5000/team/agent@sha256:"
        "24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d AS pinned\n"
        "FROM scratch AS empty\n"
        "FROM build\n" + GOOD_TAIL
    )
    assert findings(text, "base-tag") == []


# JDS105 sshd-host-keys


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("FROM debian:12\nRUN ssh-keygen -A\n", "repo/Dockerfile:2:5"),
        (
            "FROM debian:12\nRUN apt-get update \\\n"
            "    && ssh-keygen -t rsa -f /etc/ssh/ssh_host_rsa_key -N ''\n",
            "repo/Dockerfile:3:8",
        ),
        (
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends openssh-server\n",
            "repo/Dockerfile:2:23",
        ),
        ("FROM debian:12\nRUN <<EOT\nset -e\nssh-keygen -A\nEOT\n", "repo/Dockerfile:4:1"),
    ],
)
def test_host_keys_made_at_build_time_are_errors(text: str, where: str) -> None:
    assert wheres(text + GOOD_TAIL, "sshd-host-keys") == [(where, "error")]


def test_host_keys_removed_in_the_same_run_pass() -> None:
    text = (
        "FROM debian:12\n"
        "RUN apt-get update && apt-get install -y openssh-server \\\n"
        "    && rm -f /etc/ssh/ssh_host_*_key*\n"
        "RUN yum install -y openssh-server\n"  # RPM packages make the keys when sshd first starts
        "COPY setup-sshd /usr/local/bin/\n" + GOOD_TAIL
    )
    assert findings(text, "sshd-host-keys") == []
