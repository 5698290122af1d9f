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


def relative_path(value: str) -> str | None:
    """A folder below the farm root: item names joined by '/' (no '..', not absolute)."""
    parts = value.removesuffix("/").split("/")
    if value and all(item_name(part) is None for part in parts):
        return None
    return "a path relative to the farm root, of folder names joined by '/', e.g. vendor/acme"


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


#: Characters no generated file can carry faithfully: control characters (C0 but tab and line
#: feed, DEL, C1), surrogates (a lone one is not text), and Unicode noncharacters (U+FDD0-U+FDEF
#: and the last two code points of every plane: XML 1.0 excludes U+FFFE and U+FFFF, and
#: Groovy's lexer reads U+FFFF as the end of its input); and the invisible controls that make
#: text read differently from what it is ("Trojan Source"): bidirectional embeddings,
#: overrides and isolates.
_UNCARRIED_CLASS = (
    "\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\ud800-\\udfff\\ufdd0-\\ufdef\\ufffe\\uffff"
    "\\u202a-\\u202e\\u2066-\\u2069"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
)
_UNCARRIED = re.compile(f"[{_UNCARRIED_CLASS}]")
#: ... and, in a one-line value, the line breaks: line feed, U+2028, U+2029 (one scan for both).
_NOT_ONE_LINE = re.compile(f"[\\n\\u2028\\u2029{_UNCARRIED_CLASS}]")


def uncarried(value: str) -> tuple[int, str] | None:
    """The first character of ``value`` that no generated file can carry: (index, what it is)."""
    found = _UNCARRIED.search(value)
    return None if found is None else (found.start(), _what(found.group()))


def _what(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate, which is not a character"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        kind = "a Unicode noncharacter, which XML and Groovy cannot carry"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "an invisible bidirectional control, which makes text read differently from what it is"
    else:
        kind = "a control character"
    return f"U+{code:04X} is {kind}"


def printable(value: str) -> str | None:
    """Free text on one line: URLs, paths, cron specs, one-line descriptions."""
    found = _NOT_ONE_LINE.search(value)
    if found is None:
        return None
    if found.group() in "\n\u2028\u2029":
        return f"a line break (U+{ord(found.group()):04X}) is not accepted in a one-line value"
    return f"{_what(found.group())}; accepted: printable characters and tab"


def text(value: str) -> str | None:
    """Free text that may span lines (descriptions, shell steps): tab and line feed allowed."""
    if (found := uncarried(value)) is not None:
        return f"{found[1]}; accepted: printable characters, tab and newline"
    return None
