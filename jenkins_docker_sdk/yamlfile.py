"""YAML reading that remembers where each key and list item was, and refuses duplicates.

Mappings load as :class:`LocatedDict` and sequences as :class:`LocatedList`: plain
``dict`` and ``list`` that also know the 1-based line and column of each key or item,
so that every later check can point at the offending line.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

import yaml

from jenkins_docker_sdk.errors import InputError, Location

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Position = tuple[int, int]


class LocatedDict(dict[Any, Any]):
    """A mapping read from YAML; ``positions[key]`` is where that key was written."""

    positions: dict[Any, Position]
    start: Position


class LocatedList(list[Any]):
    """A sequence read from YAML; ``positions[i]`` is where item ``i`` was written."""

    positions: list[Position]
    start: Position


def _mark(node: yaml.Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader whose mappings and sequences carry positions."""


def _construct_map(loader: Any, node: yaml.MappingNode) -> Iterator[LocatedDict]:
    data = LocatedDict()
    data.positions = {}
    data.start = _mark(node)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in data:
            line = data.positions[key][0]
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first written on line {line})",
                key_node.start_mark,
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.positions[key] = _mark(key_node)


def _construct_seq(loader: Any, node: yaml.SequenceNode) -> Iterator[LocatedList]:
    data = LocatedList()
    data.start = _mark(node)
    yield data
    data.extend(loader.construct_object(child, deep=True) for child in node.value)
    data.positions = [_mark(child) for child in node.value]


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_text(path: Path, shown: Path) -> str:
    """Read a UTF-8 text file; a bad byte is reported at its line.

    Raises:
        InputError: the file cannot be read or is not UTF-8.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror}", Location(shown)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason})",
            Location(shown, line, column),
            "save the file as UTF-8",
        ) from None


def load_yaml(path: Path, *, display: Path | None = None) -> Any:
    """Read one YAML document from ``path``.

    Args:
        path: the file to read.
        display: the path to name in errors (default: ``path``).

    Raises:
        InputError: the file cannot be read, is not UTF-8 or not valid YAML, holds several
            documents or repeats a key; the problem names the line and column.
    """
    shown = display or path
    text = read_text(path, shown)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        message = exc.problem or "invalid YAML"
        if exc.context:
            started = exc.context_mark
            since = f" (from line {started.line + 1})" if started and started is not mark else ""
            message = f"{exc.context}{since}, {message}"
        raise InputError.at(f"invalid YAML: {message}", location) from None
    except yaml.YAMLError as exc:
        raise InputError.at(f"invalid YAML: {exc}", Location(shown)) from None
