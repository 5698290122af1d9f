"""YAML reading that remembers where each key and list item was, and refuses duplicates.

Mappings load as :class:`LocatedDict` and sequences as :class:`LocatedList`: plain
``dict`` and ``list`` that also know the 1-based line and column of each key or item,
so that every later check can point at the offending line.

Team files are untrusted, so reading is bounded: the file's size (:mod:`.inputfile`),
the nodes that aliases may add (:data:`MAX_ALIAS_NODES`, against "billion laughs"
documents) and the nesting depth (:data:`MAX_DEPTH`). Merge keys (``<<``) follow YAML's
merge semantics: a key written in the mapping itself overrides a merged one.
"""

from __future__ import annotations

import operator
import re
from pathlib import Path
from typing import Any

import yaml

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location
from jenkins_docker_sdk.reading._inputfile import MAX_YAML_BYTES, read_text

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Position = tuple[int, int]

#: The most nodes that aliases may add to one document, all aliases together (each alias
#: adds the nodes of what it names, expanded). A document under it is read in milliseconds.
MAX_ALIAS_NODES = 100_000
#: The deepest nesting of mappings and sequences read (a manifest needs about five levels).
MAX_DEPTH = 64


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
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_SCALAR_TAGS: dict[str, str] = {}  # plain scalar text -> its implicit tag (int, bool, str...)
_TAG_CACHE_LIMIT = 20_000
#: What a scalar of each tag reads as, for the error when its text is not one.
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:binary": "base64 data",
}


def _error(message: str, node: yaml.Node) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader whose mappings and sequences carry positions.

    Documents are built by one direct walk over the composed nodes; only scalars that are
    not plain strings (numbers, booleans, null, dates) go through PyYAML's constructors.
    An alias is composed as the same node object, so a node met again while it is still
    being built is a recursive alias, which is refused.
    """

    # libyaml's composer calls these two around every node, for path resolvers, which are
    # not used: C builtins that ignore their arguments cost a fraction of a Python method.
    descend_resolver = operator.is_  # (parent, index) -> ignored
    ascend_resolver = tuple  # () -> ignored

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """The tag of a node; for plain scalars, remembered per text (keys repeat a lot)."""
        if kind is yaml.MappingNode:
            return _MAP_TAG
        if kind is yaml.SequenceNode:
            return _SEQ_TAG
        if not implicit[0]:  # a quoted scalar (a tagged one is not resolved at all)
            return _STR_TAG
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
        kind = node.__class__
        if kind is yaml.ScalarNode:
            return node.value if node.tag == _STR_TAG else self._construct(node)
        building = self._building
        if id(node) in building:
            raise _error("a recursive alias cannot be read", node)
        if len(building) >= MAX_DEPTH:
            raise _error(f"mappings and lists are nested more than {MAX_DEPTH} levels deep", node)
        building.add(id(node))
        try:
            if kind is yaml.MappingNode:
                return self._build_map(node)  # type: ignore[arg-type]
            if kind is yaml.SequenceNode:
                return self._build_seq(node)  # type: ignore[arg-type]
        finally:
            building.discard(id(node))
        raise _error(f"unexpected {kind.__name__}", node)

    def _construct(self, node: yaml.Node) -> Any:
        """A node through PyYAML's constructor; a text that is not what its tag says is refused."""
        try:
            return self.construct_object(node, deep=True)
        except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError) as exc:
            # what PyYAML's constructors raise for a text their (explicit) tag does not fit
            if not isinstance(node, yaml.ScalarNode):
                raise _error(f"cannot read this {node.tag}: {exc}", node) from None
            text = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            if "digits" in str(exc):  # Python's cap on the digits of an int read from text
                problem = "an integer of more digits than jds reads"
            else:
                what = _TAG_NAMES.get(node.tag, node.tag)
                dated = (
                    node.tag.endswith(":timestamp") and type(exc) is ValueError
                )  # "month must be in 1..12"
                detail = f" ({exc})" if dated else ""
                problem = f"read as {what} but is not one{detail}"
            raise _error(f"{text!r} is {problem}; quote it to write a string", node) from None

    def _build_map(self, node: yaml.MappingNode) -> LocatedDict:
        if node.tag != _MAP_TAG:
            return self._construct(node)  # type: ignore[no-any-return]  # e.g. !!set
        data = LocatedDict()
        positions: dict[Any, Position] = {}
        data.positions = positions
        data.start = _mark(node)
        merged: LocatedDict | None = None
        build = self._build
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise _error("a mapping key must be a plain value", key_node)
            tag = key_node.tag
            if tag == _MERGE_TAG:
                if merged is not None:
                    raise _error("duplicate merge key '<<' (one per mapping; it takes a list)", key_node)
                merged = self._merged(value_node)
                continue
            key = key_node.value if tag == _STR_TAG else build(key_node)
            if key in data:
                raise _error(f"duplicate key {key!r} (first written on line {positions[key][0]})", key_node)
            data[key] = build(value_node)
            mark = key_node.start_mark
            positions[key] = (mark.line + 1, mark.column + 1)
        if not merged:
            return data
        result = LocatedDict((key, value) for key, value in merged.items() if key not in data)
        result.update(data)  # a key written in the mapping overrides a merged one
        result.positions = {key: merged.positions[key] for key in result if key not in data} | positions
        result.start = data.start
        return result

    def _merged(self, node: yaml.Node) -> LocatedDict:
        """What a merge key brings: one mapping, or several (earlier ones win)."""
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged = LocatedDict()
        merged.positions = {}
        for source in sources:
            if not isinstance(source, yaml.MappingNode) or source.tag != _MAP_TAG:
                raise _error("a merge key '<<' takes a mapping or a list of mappings", source)
            built = self._build(source)
            for key, value in built.items():
                if key not in merged:
                    merged[key] = value
                    merged.positions[key] = built.positions[key]
        return merged

    def _build_seq(self, node: yaml.SequenceNode) -> LocatedList:
        if node.tag != _SEQ_TAG:
            return self._construct(node)  # type: ignore[no-any-return]  # e.g. !!omap
        data = LocatedList(self._build(child) for child in node.value)
        data.start = _mark(node)
        data.positions = [_mark(child) for child in node.value]
        return data


def load_yaml(path: Path, *, display: Path | None = None, limit: int = MAX_YAML_BYTES) -> Any:
    """Read one YAML document from ``path``.

    Args:
        path: the file to read.
        display: the path to name in errors (default: ``path``).
        limit: the largest file size accepted, in bytes.

    Raises:
        InputError: the file cannot be read, is too large, not UTF-8 or not valid YAML,
            holds several documents, repeats a key, or goes past the alias or depth
            bounds; the problem names the line and column.
    """
    shown = display or path
    return parse_yaml(read_text(path, shown, limit=limit), shown)


#: Where an alias (``*name``) may start: text start, blank, flow indicator or ':' before it,
#: an anchor character after it. Text without such a '*' holds no alias, whatever else it has.
_MAYBE_ALIAS = re.compile(r"(?:\A|[\s\[\]{},:])\*[\w-]")
#: Characters YAML allows in a stream (YAML 1.1, 5.1): what the reader refuses is outside.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def parse_yaml(text: str, shown: Path) -> Any:
    """:func:`load_yaml` on text already read; ``shown`` is the path errors name."""
    try:
        if _MAYBE_ALIAS.search(text):
            _check_aliases(text, shown)
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
        message = exc.problem or "invalid YAML"
        if exc.context:
            started = exc.context_mark
            since = f" (from line {started.line + 1})" if started and started is not mark else ""
            message = f"{exc.context}{since}, {message}"
        raise InputError.at(f"invalid YAML: {message}", location, _hint(text, mark)) from None
    except (yaml.reader.ReaderError, UnicodeEncodeError):
        raise _unprintable(text, shown) from None
    except RecursionError:  # the pure-Python composer, without libyaml's own depth limit
        raise InputError.at(
            f"invalid YAML: mappings and lists are nested more than {MAX_DEPTH} levels deep",
            Location(shown),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError.at(f"invalid YAML: {exc}", Location(shown)) from None


def _check_aliases(text: str, shown: Path) -> None:
    """Refuse a document whose aliases would add more than :data:`MAX_ALIAS_NODES` nodes.

    Counted on the parser's events, before anything is built: each anchored node's size
    (aliases inside it expanded) is known when it ends, and each alias adds that size.
    An alias of an anchor not yet complete or unknown is left to the loader to refuse.

    Raises:
        InputError: at the alias that goes past the bound.
        yaml.MarkedYAMLError: the text does not parse.
    """
    sizes: dict[str, int] = {}
    open_nodes: list[list[Any]] = []  # [anchor, size so far] of each collection being read
    added = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append([event.anchor, 1])
            continue
        if isinstance(event, yaml.CollectionEndEvent):
            anchor, size = open_nodes.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor or "", 1)
            added += size
            if added > MAX_ALIAS_NODES:
                mark = event.start_mark
                where = Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)
                raise InputError.at(
                    f"invalid YAML: the alias *{event.anchor} takes the nodes that aliases add past "
                    f"{MAX_ALIAS_NODES:,} (*{event.anchor} alone is {size:,} nodes expanded)",
                    where,
                    f"aliases may add at most {MAX_ALIAS_NODES:,} nodes to a file (aliases of aliases grow "
                    "exponentially): write the repeated part out, or repeat it less",
                )
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_nodes:
            open_nodes[-1][1] += size


def _hint(text: str, mark: Any) -> str | None:
    """What may lie behind a syntax error that the parser's words do not say."""
    bom = text.find("\ufeff", 1)
    if bom > 0:
        line = text.count("\n", 0, bom) + 1
        column = bom - (text.rfind("\n", 0, bom) + 1) + 1
        return f"line {line}, column {column} holds an invisible byte order mark (U+FEFF): remove it"
    if mark is not None and mark.column >= 1024:
        return "YAML reads a plain key of at most 1024 characters"
    return None


def _unprintable(text: str, shown: Path) -> InputError:
    """The error for a character YAML does not allow, at its line and column."""
    found = _NOT_PRINTABLE.search(text)
    if found is None:  # pragma: no cover - the reader refused something this pattern allows
        return InputError.at("invalid YAML: a character YAML does not allow", Location(shown))
    index = found.start()
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return InputError.at(
        f"invalid YAML: the character U+{ord(found.group()):04X} is not allowed in YAML text",
        Location(shown, line, column),
        "remove it: YAML text holds tab, newline and printable characters only",
    )
