"""YAML reading that remembers where each key and list item was, and refuses duplicates.

Mappings load as :class:`LocatedDict` and sequences as :class:`LocatedList`: plain
``dict`` and ``list`` that also know the 1-based line and column of each key or item,
so that every later check can point at the offending line.
"""

from __future__ import annotations

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


_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_SCALAR_TAGS: dict[str, str] = {}  # plain scalar text -> its implicit tag (int, bool, str...)
_TAG_CACHE_LIMIT = 20_000


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader whose mappings and sequences carry positions.

    Documents are built by one direct walk over the composed nodes; only scalars that are
    not plain strings (numbers, booleans, null, dates) go through PyYAML's constructors.
    An alias is composed as the same node object, so a node met again while it is still
    being built is a recursive alias, which is refused.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag of a node; for plain scalars, remembered per text (keys repeat a lot)."""
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        tag = _PLAIN_SCALAR_TAGS.get(value)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_PLAIN_SCALAR_TAGS) < _TAG_CACHE_LIMIT:
                _PLAIN_SCALAR_TAGS[value] = tag
        return tag

    def construct_document(self, node: yaml.Node) -> Any:
        self._building: set[int] = set()
        try:
            return self._build(node)
        finally:
            self.constructed_objects: dict[Any, Any] = {}  # as the base class leaves them
            self.recursive_objects: dict[Any, Any] = {}
            self.state_generators: list[Any] = []
            self.deep_construct = False

    def _build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR_TAG else self.construct_object(node, deep=True)
        if id(node) in self._building:
            raise yaml.constructor.ConstructorError(
                None, None, "a recursive alias cannot be read", node.start_mark
            )
        self._building.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._build_map(node)
            if isinstance(node, yaml.SequenceNode):
                return self._build_seq(node)
        finally:
            self._building.discard(id(node))
        raise yaml.constructor.ConstructorError(
            None, None, f"unexpected {type(node).__name__}", node.start_mark
        )

    def _build_map(self, node: yaml.MappingNode) -> LocatedDict:
        if node.tag != "tag:yaml.org,2002:map":
            return self.construct_object(node, deep=True)  # type: ignore[no-any-return]  # e.g. !!set
        data = LocatedDict()
        positions: dict[Any, Position] = {}
        data.positions = positions
        data.start = _mark(node)
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                )
            key = self._build(key_node)
            if key in data:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first written on line {positions[key][0]})",
                    key_node.start_mark,
                )
            data[key] = self._build(value_node)
            positions[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return data

    def _build_seq(self, node: yaml.SequenceNode) -> LocatedList:
        if node.tag != "tag:yaml.org,2002:seq":
            return self.construct_object(node, deep=True)  # type: ignore[no-any-return]  # e.g. !!omap
        data = LocatedList(self._build(child) for child in node.value)
        data.start = _mark(node)
        data.positions = [_mark(child) for child in node.value]
        return data


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
    return parse_yaml(read_text(path, shown), shown)


def parse_yaml(text: str, shown: Path) -> Any:
    """:func:`load_yaml` on text already read; ``shown`` is the path errors name."""
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
