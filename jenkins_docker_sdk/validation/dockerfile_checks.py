"""Our own Dockerfile checks: what hadolint does not see about a Jenkins agent image.

Each check reads a :class:`~jenkins_docker_sdk.reading.DockerfileInfo` (BuildKit's
parse, with FROM lines expanded as Docker expands them) and returns findings with the
file, line and column they are about. Secret values are never put into a finding.
:func:`run_checks` applies a :class:`~jenkins_docker_sdk.validation.policy.Policy`: its
ignored rules, its trusted registries (JDS106) and, per connector, the root rule (JDS101).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from jenkins_docker_sdk.model import Connector, Location
from jenkins_docker_sdk.reading import DockerfileInfo, Instruction
from jenkins_docker_sdk.validation.findings import Check, Finding, Severity, redact

if TYPE_CHECKING:
    from jenkins_docker_sdk.validation.policy import Policy

# documented in docs/validate.md, one section per rule
NO_USER = Check("no-user", "The Dockerfile sets a USER", "JDS101")
SECRET_ENV = Check("secret-env", "No secrets in ARG or ENV", "JDS102")
ADD_URL = Check("add-url", "No ADD from a URL without --checksum", "JDS103")
BASE_TAG = Check("base-tag", "Base images are pinned (no latest, no missing tag)", "JDS104")
SSHD_HOST_KEYS = Check("sshd-host-keys", "No sshd host keys generated at build time", "JDS105")
TRUSTED_REGISTRY = Check("trusted-registry", "Base images come from trusted registries", "JDS106")

#: Our checks in the order they run.
CHECKS: tuple[Check, ...] = (NO_USER, SECRET_ENV, ADD_URL, BASE_TAG, SSHD_HOST_KEYS, TRUSTED_REGISTRY)


def run_checks(
    info: DockerfileInfo, policy: Policy | None = None, connector: Connector | None = None
) -> list[Finding]:
    """The findings of all our checks on ``info``, under ``policy`` for an agent of ``connector``.

    Without a policy JDS101 is a warning and JDS106 finds nothing; findings of rules the
    policy ignores are dropped.
    """
    root_is_error = connector in ("jnlp", "attach") and not (policy and policy.allow_root_user)
    findings = list(check_no_user(info, connector=connector, root_is_error=root_is_error))
    for check in _CHECK_FUNCTIONS:
        findings.extend(check(info))
    if policy is not None:
        findings.extend(check_trusted_registry(info, policy.trusted_registries))
        findings = [f for f in findings if not policy.ignores(f.id)]
    return findings


def _finding(check: Check, severity: Severity, title: str, where: Location, hint: str) -> Finding:
    assert check.rule is not None
    return Finding(
        id=check.rule,
        severity=severity,
        title=title,
        check=check.name,
        location=where,
        hint=hint,
        help_uri=check.help_uri,
    )


def _locate(info: DockerfileInfo, instruction: Instruction, pattern: re.Pattern[str]) -> Location:
    """The line and column in ``instruction`` where ``pattern`` first matches (else its start)."""
    lines = info.text.splitlines()
    for number in range(instruction.line, min(instruction.end_line, len(lines)) + 1):
        match = pattern.search(lines[number - 1])
        if match:
            return Location(info.path, number, match.start() + 1)
    return Location(info.path, instruction.line, 1)


_HINT_USER = "create an agent user (useradd -m -u 1000 jenkins) and end with USER jenkins"


def is_root(user: str) -> bool:
    """Whether a USER value (``user[:group]``) is root."""
    return user.partition(":")[0] in ("root", "0")


def check_no_user(
    info: DockerfileInfo, *, connector: Connector | None = None, root_is_error: bool = False
) -> Iterator[Finding]:
    """JDS101: the agent runs as root, or as the base image's user since USER is never set.

    With no connector only a missing USER is reported, as a warning (hadolint's DL3002
    reports ``USER root``). For a connector, ``USER root`` is reported too: an error when
    ``root_is_error`` (jnlp/attach while the policy forbids root), else a warning (ssh:
    sshd runs as root).
    """
    severity: Severity = "error" if root_is_error else "warning"
    ssh_hint = "; an ssh agent whose sshd must run as root may keep this warning"
    hint = _HINT_USER + ("" if root_is_error else ssh_hint)
    if info.user is None:
        title = "no USER instruction: the agent runs as the base image's user, root unless the base sets one"
        yield _finding(NO_USER, severity, title, Location(info.path, info.stages[-1].line, 1), hint)
    elif connector is not None and is_root(info.user):
        where = Location(info.path, info.user_line or info.stages[-1].line, 1)
        title = f"USER {info.user}: the {connector} agent runs as root"
        yield _finding(NO_USER, severity, title, where, hint)


_DOCKER_HUB = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io"})


def registry_of(image: str) -> str:
    """The registry an image reference pulls from (``docker.io`` when it names none)."""
    first, slash, _rest = image.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        return "docker.io" if first in _DOCKER_HUB else first
    return "docker.io"


def check_trusted_registry(info: DockerfileInfo, trusted: Sequence[str]) -> Iterator[Finding]:
    """JDS106: FROM an image outside the trusted registries (after ARG expansion).

    An empty allow-list trusts every registry; earlier stages and ``scratch`` pass.
    """
    if not trusted:
        return
    allowed = {"docker.io" if r in _DOCKER_HUB else r for r in trusted}
    earlier: set[str] = set()
    for stage in info.stages:
        base = stage.base.lower()
        registry = registry_of(base)
        if base not in earlier and base != "scratch" and registry not in allowed:
            yield _finding(
                TRUSTED_REGISTRY,
                "error",
                f"FROM {stage.base} comes from {registry}, which the policy does not trust",
                Location(info.path, stage.line, 1),
                "use a base image from a trusted registry: "
                + ", ".join(trusted)
                + " (policy key trusted_registries)",
            )
        if stage.name:
            earlier.add(stage.name.lower())


_SECRET_WORDS = frozenset({"PASSWORD", "PASSWD", "PASS", "TOKEN", "SECRET", "KEY", "APIKEY", "CREDENTIALS"})
_NOT_SECRET_SUFFIXES = ("_FILE", "_PATH", "_DIR", "_ID", "_NAME", "_URL_PATH")


def is_secret_name(name: str) -> bool:
    """Whether a variable name says it holds a secret: a ``_``-separated word of it is
    PASSWORD, PASSWD, PASS, TOKEN, SECRET, KEY, APIKEY or CREDENTIALS, and it does not
    name a file, path, directory, id or name of one (``SSH_KEY_FILE``, ``GPG_KEY_ID``)."""
    upper = name.upper()
    if upper.endswith(_NOT_SECRET_SUFFIXES):
        return False
    return any(word in _SECRET_WORDS for word in re.split(r"[_\W]+", upper))


_FINGERPRINTS = re.compile(r"[0-9A-Fa-f]{40}(?:[\s,]+[0-9A-Fa-f]{40})*")


def is_public_key_fingerprint(name: str, value: str) -> bool:
    """Whether ``name=value`` is an OpenPGP key's fingerprint, which is public: a name with
    the word GPG or PGP and a value of 40-hex-digit fingerprints (official images set
    ``GPG_KEY`` / ``NODE_GPG_KEYS`` this way to verify their downloads)."""
    words = set(re.split(r"[_\W]+", name.upper()))
    return bool(words & {"GPG", "PGP"}) and _FINGERPRINTS.fullmatch(value.strip()) is not None


def _pairs(instruction: Instruction) -> Iterator[tuple[str, str | None]]:
    if instruction.name == "ENV":
        words = instruction.words
        yield from zip(words[::2], words[1::2], strict=True)
        return
    for word in instruction.words:  # ARG NAME[=default]
        key, eq, value = word.partition("=")
        yield key, value if eq else None


def check_secret_env(info: DockerfileInfo) -> Iterator[Finding]:
    """JDS102: ARG/ENV with a secret-looking name and a value (error) or as a build arg (warning)."""
    for instruction in info.instructions:
        if instruction.name not in ("ARG", "ENV"):
            continue
        for name, raw in _pairs(instruction):
            if not is_secret_name(name):
                continue
            where = _locate(info, instruction, re.compile(rf"\b{re.escape(name)}\b"))
            value = (raw or "").strip("'\"")
            if is_public_key_fingerprint(name, value):
                continue
            if not value:
                yield _finding(
                    SECRET_ENV,
                    "warning",
                    f"build argument {name} looks like a secret: values given with --build-arg "
                    "are recorded in the image history",
                    where,
                    "pass secrets with RUN --mount=type=secret, or as credentials at run time",
                )
            elif value.startswith("$"):
                yield _finding(
                    SECRET_ENV,
                    "error",
                    f"{instruction.name} {name} copies {value} into the image: the secret is "
                    "baked into every container and the image config",
                    where,
                    "bind the credential at run time (jenkins-docker.yml credentials), not in the image",
                )
            else:
                yield _finding(
                    SECRET_ENV,
                    "error",
                    f"{instruction.name} {name} sets a secret-looking value {redact(value)} in the image",
                    where,
                    "remove it and rotate it; bind the credential at run time "
                    "(jenkins-docker.yml credentials)",
                )


_URL = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@)", re.IGNORECASE)


def check_add_url(info: DockerfileInfo) -> Iterator[Finding]:
    """JDS103: ADD from a URL without ``--checksum``: the download is not verified."""
    for instruction in info.instructions:
        if instruction.name != "ADD" or any(f.startswith("--checksum") for f in instruction.flags):
            continue
        for source in instruction.words[:-1]:
            if _URL.match(source):
                yield _finding(
                    ADD_URL,
                    "error",
                    f"ADD downloads {source} without verifying it",
                    _locate(info, instruction, re.compile(re.escape(source))),
                    "use ADD --checksum=sha256:<digest> <url>, or RUN curl -fsSL with a "
                    "checksum check, or COPY a vetted file",
                )


def _tag(image: str) -> str | None:
    """The tag of an image reference (``None`` when it has none); digests count as a tag."""
    if "@" in image:
        return image.rpartition("@")[2]
    last = image.rpartition("/")[2]
    return last.partition(":")[2] or None if ":" in last else None


def check_base_tag(info: DockerfileInfo) -> Iterator[Finding]:
    """JDS104: FROM an external image that is untagged or ``latest`` (after ARG expansion)."""
    earlier: set[str] = set()
    for stage in info.stages:
        base = stage.base
        if base.lower() not in earlier and base.lower() != "scratch":
            tag = _tag(base)
            where = Location(info.path, stage.line, 1)
            if tag is None:
                yield _finding(
                    BASE_TAG,
                    "error",
                    f"FROM {base} has no tag: every build may get a different image",
                    where,
                    f"pin a version: FROM {base}:<version> (or @sha256:<digest>)",
                )
            elif tag == "latest":
                yield _finding(
                    BASE_TAG,
                    "error",
                    f"FROM {base} uses the latest tag: every build may get a different image",
                    where,
                    f"pin a version: FROM {base.rpartition(':')[0]}:<version> (or @sha256:<digest>)",
                )
        if stage.name:
            earlier.add(stage.name)


_KEYGEN = re.compile(
    r"ssh-keygen\b[^;&|\n]*?(?:\s-A\b|/etc/ssh/ssh_host_)|dpkg-reconfigure\s+[^;&|\n]*openssh-server"
)
_INSTALL_SSHD = re.compile(r"\bapt(?:-get)?\b[^;&|\n]*\binstall\b[^;&|\n]*\bopenssh-server\b")
_REMOVE_KEYS = re.compile(r"\brm\b[^;&|\n]*/etc/ssh/ssh_host_")


def check_sshd_host_keys(info: DockerfileInfo) -> Iterator[Finding]:
    """JDS105: sshd host keys made at build time, so every agent shares them.

    Explicit ``ssh-keygen -A`` / ``ssh-keygen ... /etc/ssh/ssh_host_*`` and
    ``dpkg-reconfigure openssh-server`` are found, and so is a Debian/Ubuntu install of
    openssh-server (its package scripts generate the keys), unless the same RUN removes
    ``/etc/ssh/ssh_host_*`` afterwards.
    """
    for instruction in info.instructions:
        if instruction.name != "RUN":
            continue
        script = " ".join((*instruction.words, *instruction.heredocs))
        for pattern in (_KEYGEN, _INSTALL_SSHD):
            made = pattern.search(script)
            if made is None:
                continue
            removed = _REMOVE_KEYS.search(script, made.end())
            if removed is not None:
                continue
            yield _finding(
                SSHD_HOST_KEYS,
                "error",
                "sshd host keys are generated at build time: every agent from this image "
                "shares the same private host keys",
                _locate(info, instruction, pattern),
                "remove them in the same RUN (rm -f /etc/ssh/ssh_host_*) and generate them "
                "when the container starts (ssh-keygen -A in the entrypoint)",
            )
            break


_CHECK_FUNCTIONS: tuple[Callable[[DockerfileInfo], Iterator[Finding]], ...] = (
    check_secret_env,
    check_add_url,
    check_base_tag,
    check_sshd_host_keys,
)
