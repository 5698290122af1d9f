"""What Jenkins and Docker accept as names, checked before a value reaches any template.

Each checker returns ``None`` when the value is acceptable, or a sentence saying what
would be accepted. The character sets are deliberately no wider than Jenkins' own
(``Jenkins.checkGoodName``, the credentials plugin's id check) and Docker's reference
grammar (distribution/reference), so a name that passes here also works there.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Checker = Callable[[str], "str | None"]

_ITEM_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")
_CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_LABEL_ATOM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.+=-]{0,99}")
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./+-]{0,199}")

# distribution/reference: [domain[:port]/]path-component(/path-component)*[:tag][@digest]
_DOMAIN_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_PART}(?:\.{_DOMAIN_PART})*(?::[0-9]+)?)"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_IMAGE = re.compile(
    rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?"
)
_REGISTRY = re.compile(_DOMAIN)

#: Environment variables Jenkins itself sets for a build; a credential binding must not shadow them.
RESERVED_VARIABLES = frozenset(
    {
        "PATH", "HOME", "USER", "SHELL", "PWD", "WORKSPACE", "WORKSPACE_TMP", "JENKINS_HOME",
        "JENKINS_URL", "JOB_NAME", "JOB_BASE_NAME", "JOB_URL", "BUILD_ID", "BUILD_NUMBER",
        "BUILD_TAG", "BUILD_URL", "BUILD_DISPLAY_NAME", "EXECUTOR_NUMBER", "NODE_NAME",
        "NODE_LABELS", "GIT_COMMIT", "GIT_BRANCH", "GIT_URL", "BRANCH_NAME", "CHANGE_ID",
        "STAGE_NAME", "JAVA_HOME", "HUDSON_HOME", "HUDSON_URL", "JENKINS_SECRET",
        "JENKINS_AGENT_NAME", "JENKINS_AGENT_WORKDIR", "CI", "JOB_DISPLAY_URL",
        "GIT_PREVIOUS_COMMIT", "GIT_PREVIOUS_SUCCESSFUL_COMMIT", "GIT_LOCAL_BRANCH",
        "GIT_CHECKOUT_DIR", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL", "TAG_NAME", "TAG_TIMESTAMP", "TAG_UNIXTIME", "TAG_DATE",
    }
)  # fmt: skip
#: Variables that change how every program of the build runs: a secret does not belong there.
LOADER_VARIABLES = frozenset({"LD_PRELOAD", "LD_LIBRARY_PATH", "BASH_ENV", "ENV", "IFS"})
#: Prefixes of variables Jenkins and its pipeline plugins set (multibranch CHANGE_*,
#: display URLs RUN_*_DISPLAY_URL).
RESERVED_PREFIXES = ("BUILD_", "JENKINS_", "HUDSON_", "CHANGE_", "RUN_")


def _full(pattern: re.Pattern[str], value: str) -> bool:
    return pattern.fullmatch(value) is not None


def item_name(value: str) -> str | None:
    """Team, folder and job names: they become Jenkins item names, URLs and file names."""
    if _full(_ITEM_NAME, value) and not value.endswith("."):
        return None
    return (
        "a name is 1-100 characters of letters, digits, '_', '.' and '-', "
        "starting with a letter, digit or '_' and not ending with '.'"
    )


def credential_id(value: str) -> str | None:
    """Credential ids as the credentials plugin accepts them."""
    if _full(_CREDENTIAL_ID, value):
        return None
    return (
        "a credential id is 1-128 characters of letters, digits, '_', '.' and '-', "
        "starting with a letter, digit or '_'"
    )


def variable_name(value: str) -> str | None:
    """Environment variable names that a credential is bound to."""
    if not _full(_VARIABLE, value):
        return "a variable name is letters, digits and '_', not starting with a digit"
    if value in RESERVED_VARIABLES or value.startswith(RESERVED_PREFIXES):
        return f"{value} is set by Jenkins itself; choose a name of your own"
    if value in LOADER_VARIABLES:
        return f"{value} changes how every program of the build runs; choose a name of your own"
    return None


def label_atom(value: str) -> str | None:
    """Labels a template carries: bare Jenkins label atoms that need no quoting."""
    if _full(_LABEL_ATOM, value):
        return None
    return (
        "a label is 1-100 characters of letters, digits, '_', '.', '+', '=' and '-', "
        "starting with a letter, digit or '_'"
    )


def image_name(value: str) -> str | None:
    """Docker image references: [registry[:port]/]name[:tag][@sha256:digest]."""
    if _full(_IMAGE, value) and len(value) <= 255:
        return None
    return (
        "an image is [registry[:port]/]name[:tag][@sha256:digest], with lower-case name "
        "components of letters, digits and single '.', '_' or '-' separators"
    )


def registry_host(value: str) -> str | None:
    """A registry host name with an optional port."""
    if _full(_REGISTRY, value):
        return None
    return "a registry is a host name with an optional :port, e.g. registry.example.com:5000"


def branch_name(value: str) -> str | None:
    """Git branch names (a safe subset of git check-ref-format)."""
    if _full(_BRANCH, value) and ".." not in value and not value.endswith((".", "/", ".lock")):
        return None
    return "a branch is letters, digits, '_', '.', '/', '+' and '-', with no '..'"


_CONTROL_ONE_LINE = re.compile("[\x00-\x08\x0a-\x1f\x7f]")  # tab allowed
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b-\x1f\x7f]")  # tab and newline allowed


def printable(value: str) -> str | None:
    """Free text on one line: descriptions of one line, URLs, cron specs, shell steps."""
    if _CONTROL_ONE_LINE.search(value):
        return "control characters (including newlines) are not accepted here"
    return None


def text(value: str) -> str | None:
    """Free text that may span lines (descriptions, shell steps)."""
    if _CONTROL_MULTI_LINE.search(value):
        return "control characters other than tab and newline are not accepted here"
    return None
