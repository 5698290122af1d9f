"""Where credential values come from, on the machine that runs ``jds credentials sync``.

A source maps variable names (see :mod:`.fields`) to values: the environment, a YAML file of
``NAME: value`` pairs, or the same YAML on stdin. Anything with a ``describe()`` and a
``get(name)`` is a source: a HashiCorp-Vault-style source (a secret engine path per
credential) plugs in here, but none is built in.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol, TextIO

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location, Problem
from jenkins_docker_sdk.reading import MAX_YAML_BYTES, load_yaml, parse_yaml, size_text


class ValueSource(Protocol):
    """A place credential values are read from."""

    def describe(self) -> str:
        """What the source is, for messages (never a value)."""
        ...

    def get(self, name: str) -> str | None:
        """The value of variable ``name``, or ``None`` when the source does not have it."""
        ...


@attrs.define
class EnvSource:
    """Values from environment variables (``os.environ`` unless given)."""

    environ: Mapping[str, str] = attrs.field(factory=lambda: os.environ, repr=False)

    def describe(self) -> str:
        return "the environment"

    def get(self, name: str) -> str | None:
        return self.environ.get(name) or None


@attrs.define
class MappingSource:
    """Values from a mapping already read (a file, stdin, or a test)."""

    values: Mapping[str, str] = attrs.field(repr=False)
    origin: str = "a mapping"

    def describe(self) -> str:
        return self.origin

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None


@attrs.define
class FileSource(MappingSource):
    """Values from a YAML file of ``NAME: value`` pairs (block scalars for keys and certificates)."""

    @classmethod
    def from_path(cls, path: Path) -> FileSource:
        """Read ``path``.

        Raises:
            InputError: the file is missing, not YAML, not a mapping of strings, or readable by
                others than its owner (the message names the file and line, never a value).
        """
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise InputError.at(f"cannot read the value file: {exc.strerror}", Location(path)) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise InputError.at(
                f"the value file is readable by others (mode {stat.S_IMODE(mode):04o})",
                Location(path),
                f"chmod 600 {path}",
            )
        return cls(_mapping(load_yaml(path), path), str(path))


@attrs.define
class StdinSource(MappingSource):
    """Values from YAML ``NAME: value`` pairs on stdin."""

    @classmethod
    def read(cls, stream: TextIO | None = None) -> StdinSource:
        """Read the whole of ``stream`` (default: ``sys.stdin``) once, at most as much as a file.

        Raises:
            InputError: more than :data:`~jenkins_docker_sdk.reading.MAX_YAML_BYTES`
                characters, or not YAML ``NAME: value`` pairs.
        """
        path = Path("<stdin>")
        text = (stream or sys.stdin).read(MAX_YAML_BYTES + 1)
        if len(text) > MAX_YAML_BYTES:
            raise InputError.at(
                f"stdin holds more than {size_text(MAX_YAML_BYTES)} of values", Location(path)
            )
        return cls(_mapping(parse_yaml(text, path), path), "stdin")


def _mapping(data: object, path: Path) -> dict[str, str]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError.at("the values must be a mapping of NAME: value", Location(path))
    positions = getattr(data, "positions", {})
    problems = [
        Problem(
            f"{key!r}: a value must be a string (quote it)",
            Location(path, *positions[key]) if key in positions else Location(path),
        )
        for key, value in data.items()
        if not isinstance(key, str) or not isinstance(value, str)
    ]
    if problems:
        raise InputError(problems)
    return dict(data)


def parse_source(spec: str, *, stdin: TextIO | None = None) -> ValueSource:
    """A source from its command-line spelling: ``env``, ``stdin`` (or ``-``), or ``file:PATH``.

    Raises:
        InputError: an unknown spelling.
    """
    if spec == "env":
        return EnvSource()
    if spec in ("stdin", "-"):
        return StdinSource.read(stdin)
    if spec.startswith("file:"):
        return FileSource.from_path(Path(spec[5:]))
    raise InputError.at(
        f"unknown value source {spec!r}",
        hint="accepted: env, stdin (or -), file:PATH (a YAML file of NAME: value)",
    )
