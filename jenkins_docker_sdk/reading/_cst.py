"""container-structure-test's test models, with its key names, so existing suites load unchanged.

Only the keys a single-container run can honour are accepted; ``setup``/``teardown``
(CST commits a new image per step) and ``licenseTests`` are not, and are reported as
unknown keys.
"""

from __future__ import annotations

import re
from typing import Literal

import attrs

from jenkins_docker_sdk.model import names, spec

_MODE = re.compile(r"[a-zA-Z-]?[a-zA-Z-]?[-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT]")


def regex(value: str) -> str | None:
    """A regular expression, matched unanchored as container-structure-test does."""
    try:
        re.compile(value)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    return names.text(value)


def file_mode(value: str) -> str | None:
    """A file mode as Go's FileMode.String() prints it."""
    if _MODE.fullmatch(value):
        return None
    return "a mode as ls prints it, e.g. -rwxr-xr-x, drwxr-xr-x or -rwsr-xr-x"


@attrs.frozen
class KeyValue:
    """An environment variable or label: ``{key, value, isRegex}``."""

    key: str = spec("Name.", check=names.printable)
    value: str = spec("Value (a regex when isRegex is true).", check=names.text)
    isRegex: bool | None = spec("Match value as a regex.", default=None)


@attrs.frozen
class CommandTest:
    """A command run in the image; its output and exit code are checked (CST ``commandTests``)."""

    name: str = spec("Test name.", check=names.text)
    command: str = spec("Executable to run.", check=names.printable)
    args: list[str] | None = spec("Arguments.", check=names.text, default=None)
    envVars: list[KeyValue] | None = spec("Extra environment for this command.", default=None)
    expectedOutput: list[str] | None = spec("Regexes stdout must match.", check=regex, default=None)
    excludedOutput: list[str] | None = spec("Regexes stdout must not match.", check=regex, default=None)
    expectedError: list[str] | None = spec(
        "Regexes stderr must match (java -version prints to stderr).", check=regex, default=None
    )
    excludedError: list[str] | None = spec("Regexes stderr must not match.", check=regex, default=None)
    exitCode: int | None = spec("Expected exit code (default 0).", minimum=0, maximum=255, default=None)


@attrs.frozen
class FileExistenceTest:
    """A path that must (or must not) exist, with its mode and owner (CST ``fileExistenceTests``)."""

    name: str = spec("Test name.", check=names.text)
    path: str = spec("Absolute path in the image.", check=names.printable)
    shouldExist: bool | None = spec("Whether the path must exist (default true).", default=None)
    permissions: str | None = spec(
        "Mode as Go prints it, e.g. -rwxr-xr-x or drwxr-xr-x.", check=file_mode, default=None
    )
    uid: int | None = spec("Owner uid.", minimum=0, maximum=4294967295, default=None)
    gid: int | None = spec("Owner gid.", minimum=0, maximum=4294967295, default=None)
    isExecutableBy: Literal["owner", "group", "other", "any"] | None = spec(
        "Who may execute it.", default=None
    )


@attrs.frozen
class FileContentTest:
    """Regexes a file's contents must (not) match (CST ``fileContentTests``)."""

    name: str = spec("Test name.", check=names.text)
    path: str = spec("Absolute path in the image.", check=names.printable)
    expectedContents: list[str] | None = spec("Regexes the file must match.", check=regex, default=None)
    excludedContents: list[str] | None = spec("Regexes the file must not match.", check=regex, default=None)


@attrs.frozen
class MetadataTest:
    """The image config (CST ``metadataTest``); each key given is compared."""

    envVars: list[KeyValue] | None = spec("Environment the image must set.", default=None)
    unboundEnvVars: list[str] | None = spec(
        "Variables the image must not set.", check=names.printable, default=None
    )
    exposedPorts: list[str] | None = spec("Ports the image must expose.", check=names.printable, default=None)
    unexposedPorts: list[str] | None = spec(
        "Ports the image must not expose.", check=names.printable, default=None
    )
    entrypoint: list[str] | None = spec("Exact ENTRYPOINT.", check=names.text, default=None)
    cmd: list[str] | None = spec("Exact CMD.", check=names.text, default=None)
    workdir: str | None = spec("Exact WORKDIR.", check=names.printable, default=None)
    volumes: list[str] | None = spec("Volumes the image must declare.", check=names.printable, default=None)
    unmountedVolumes: list[str] | None = spec(
        "Volumes the image must not declare.", check=names.printable, default=None
    )
    labels: list[KeyValue] | None = spec("Labels the image must carry.", default=None)
    user: str | None = spec("Exact USER (compared as written: jenkins is not 1000).", default=None)


@attrs.frozen
class TestSuite:
    """The tests of one section: CST's four keys."""

    __test__ = False  # not a pytest class

    commandTests: tuple[CommandTest, ...] = ()
    fileExistenceTests: tuple[FileExistenceTest, ...] = ()
    fileContentTests: tuple[FileContentTest, ...] = ()
    metadataTest: MetadataTest | None = None

    def __add__(self, other: TestSuite) -> TestSuite:
        """Both suites' tests; ``other``'s metadataTest keys win where both set one."""
        return TestSuite(
            self.commandTests + other.commandTests,
            self.fileExistenceTests + other.fileExistenceTests,
            self.fileContentTests + other.fileContentTests,
            _merge_metadata(self.metadataTest, other.metadataTest),
        )


def _merge_metadata(base: MetadataTest | None, over: MetadataTest | None) -> MetadataTest | None:
    if base is None or over is None:
        return over or base
    given = {k: v for k, v in attrs.asdict(over, recurse=False).items() if v is not None}
    return attrs.evolve(base, **given)
