"""Our rules for secrets: which image files to read, and what counts as a secret in any text.

Shared by the image gate (layers and ENV), the reading of farm files (team values) and the
audit of rendered output; it imports nothing of the SDK, so rendering need not load the gate.

Own rules (detect-secrets is not a dependency): to stay one fast pass, a file's content is
read only when its path names a credentials file (up to :data:`MAX_CANDIDATE` bytes) or it
is a small file (up to :data:`MAX_SMALL` bytes) that a cheap byte search finds a private-key
header or an ``AKIA`` prefix in. A hit is returned as :class:`Hit`: what it is, and the
secret itself so the caller can redact it; it is never shown whole.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from collections.abc import Callable, Iterator

import attrs

MAX_CANDIDATE = 1024 * 1024
MAX_SMALL = 256 * 1024

_PRIVATE_KEY = re.compile(rb"-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----\s*([A-Za-z0-9+/=\s:,-]{16,})")
_AWS_KEY = re.compile(rb"(?<![A-Z0-9])AKIA[A-Z0-9]{16}(?![A-Z0-9])")
_URL_CREDENTIALS = re.compile(rb"[a-zA-Z][a-zA-Z0-9+.-]*://([^\s/:@'\"<>]+):([^\s/@'\"<>]+)@[^\s/'\"<>]+")
_MAVEN_PASSWORD = re.compile(rb"<password>\s*([^<\s][^<]*?)\s*</password>")
_XML_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)  # Maven's stock settings.xml has examples in them
_NPM_TOKEN = re.compile(rb"_authToken\s*=\s*(\S+)")
_PLACEHOLDER = re.compile(r"^(\$\{.*\}|\$[A-Z_]+|<.*>|\*+|x+|password|pass|changeme)$", re.IGNORECASE)

#: Files read whole (up to MAX_CANDIDATE): (glob on the absolute path, what it holds).
_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/etc/ssh/ssh_host_*_key", "an sshd host key"),
    ("*/.git-credentials", "git credentials"),
    ("*/.docker/config.json", "Docker registry credentials"),
    ("*/settings.xml", "a Maven password"),
    ("*/.npmrc", "an npm token"),
    ("*/.netrc", "netrc credentials"),
    ("*/.pypirc", "a PyPI password"),
    ("*/pip.conf", "pip index credentials"),
    ("*/.gitconfig", "git credentials"),
    ("/etc/apt/sources.list*", "apt mirror credentials"),
)


@attrs.frozen
class Hit:
    """A secret found in a file: ``kind`` says what it is, ``secret`` is the raw value."""

    path: str
    kind: str
    secret: str


def may_hold_secret(text: str) -> bool:
    """A cheap test: whether ``text`` may match a rule that needs no file kind, or a URL."""
    return "PRIVATE KEY-----" in text or "AKIA" in text or ("://" in text and "@" in text)


def candidate(path: str) -> str | None:
    """What the credentials file at ``path`` would hold, or ``None`` if it is no candidate."""
    for pattern, kind in _CANDIDATES:
        if fnmatch.fnmatchcase(path, pattern):
            return kind
    return None


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace").strip()


def _real(secret: str) -> bool:
    return bool(secret) and not _PLACEHOLDER.match(secret)


def _docker_auths(data: bytes) -> Iterator[str]:
    try:
        config = json.loads(data)
    except ValueError:
        return
    auths = config.get("auths") if isinstance(config, dict) else None
    if isinstance(auths, dict):
        for registry in auths.values():
            if isinstance(registry, dict) and registry.get("auth"):
                yield str(registry["auth"])


def find_secrets(path: str, data: bytes, kind: str | None) -> Iterator[Hit]:
    """The secrets in ``data``, the content of ``path`` (``kind``: its :func:`candidate`)."""
    if kind == "an sshd host key" and data.strip():
        yield Hit(path, "an sshd host key (pre-generated; every container would share it)", _text(data[:64]))
        return
    for match in _PRIVATE_KEY.finditer(data):
        yield Hit(path, f"a private key ({_text(match.group(1))})", _text(match.group(2)))
    for match in _AWS_KEY.finditer(data):
        yield Hit(path, "an AWS access key id", _text(match.group(0)))
    if kind is None:
        return
    if kind == "Docker registry credentials":
        yield from (
            Hit(path, "a Docker registry auth in .docker/config.json", auth) for auth in _docker_auths(data)
        )
    if kind == "a Maven password":
        for match in _MAVEN_PASSWORD.finditer(_XML_COMMENT.sub(b"", data)):
            if _real(secret := _text(match.group(1))):
                yield Hit(path, "a Maven <password> in settings.xml", secret)
    if kind == "an npm token":
        for match in _NPM_TOKEN.finditer(data):
            if _real(secret := _text(match.group(1))):
                yield Hit(path, "an npm _authToken in .npmrc", secret)
    for match in _URL_CREDENTIALS.finditer(data):
        if _real(secret := _text(match.group(2))):
            yield Hit(path, f"a user:password@ URL ({kind})", secret)


def scan_file(path: str, size: int, read: Callable[[int], bytes]) -> list[Hit]:
    """A :data:`~jenkins_docker_sdk.validation.layers.Scanner`: read only what may hold a
    secret (see the module docstring) and return its hits."""
    kind = candidate(path)
    if kind is not None and size <= MAX_CANDIDATE:
        return list(find_secrets(path, read(size), kind))
    if (
        size == 0
        or size > MAX_SMALL
        or posixpath.basename(path).endswith((".so", ".a", ".jar", ".gz", ".xz"))
    ):
        return []
    data = read(size)
    if b"PRIVATE KEY-----" not in data and b"AKIA" not in data:
        return []
    return list(find_secrets(path, data, None))
