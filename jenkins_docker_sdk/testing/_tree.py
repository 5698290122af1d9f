"""The ``tree=`` parameter of Jenkins' remote API: parsing, and pruning an exported object by it.

Grammar (``hudson.model.Api`` / ``NamedPathPruner``): ``entry(,entry)*`` where an entry is a
property name, optionally followed by ``[subtree]`` and by a range ``{M,N}``, ``{M,}``,
``{,N}`` or ``{N}`` that selects elements of a list. ``_class`` is always kept. A property
named without a subtree whose value is an object (or a list of objects) keeps only the
objects' ``_class``: that is how python-jenkins learns that folders go deeper.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from jenkins_docker_sdk.testing._errors import failure

_TOKEN = re.compile(r"\s*([^,\[\]{}\s]+|[,\[\]{}])")


@attrs.frozen
class Tree:
    """A parsed tree: property name -> (subtree, range)."""

    children: dict[str, tuple[Tree, slice | None]] = attrs.field(factory=dict)

    @property
    def depth(self) -> int:
        """How many levels of nested objects the tree reaches."""
        return 1 + max((child.depth for child, _ in self.children.values()), default=-1)


def parse_tree(text: str) -> Tree:
    """Parse a ``tree`` value; malformed text is a 400, as Jenkins answers it."""
    tokens = [m.group(1) for m in _TOKEN.finditer(text)]
    tree, position = _parse(tokens, 0, text)
    if position != len(tokens):
        raise failure(f"Malformed tree expression: {text}")
    return tree


def _parse(tokens: list[str], position: int, text: str) -> tuple[Tree, int]:
    children: dict[str, tuple[Tree, slice | None]] = {}
    while position < len(tokens):
        name = tokens[position]
        if name in ",[]{}":
            raise failure(f"Malformed tree expression: {text}")
        position += 1
        subtree, selected = Tree(), None
        if position < len(tokens) and tokens[position] == "[":
            subtree, position = _parse(tokens, position + 1, text)
            if position >= len(tokens) or tokens[position] != "]":
                raise failure(f"Malformed tree expression: {text}")
            position += 1
        if position < len(tokens) and tokens[position] == "{":
            end = tokens.index("}", position) if "}" in tokens[position:] else -1
            if end < 0:
                raise failure(f"Malformed tree expression: {text}")
            selected = _range("".join(tokens[position + 1 : end]), text)
            position = end + 1
        children[name] = (subtree, selected)
        if position < len(tokens) and tokens[position] == ",":
            position += 1
            continue
        break
    return Tree(children), position


def _range(spec: str, text: str) -> slice:
    match = re.fullmatch(r"(\d*)(,?)(\d*)", spec)
    if match is None or spec in ("", ","):
        raise failure(f"Malformed tree expression: {text}")
    low, comma, high = match.groups()
    start = int(low) if low else 0
    if not comma:
        return slice(start, start + 1)
    return slice(start, int(high) if high else None)


def prune(value: dict[str, Any], tree: Tree) -> dict[str, Any]:
    """The object with only the properties the tree names (and ``_class``), in export order."""
    kept: dict[str, Any] = {}
    for key, item in value.items():
        if key == "_class":
            kept[key] = item
        elif key in tree.children:
            subtree, selected = tree.children[key]
            kept[key] = _prune_value(item, subtree, selected)
    return kept


def _prune_value(value: Any, tree: Tree, selected: slice | None) -> Any:
    if isinstance(value, dict):
        return prune(value, tree)
    if isinstance(value, list):
        items = value[selected] if selected is not None else value
        return [_prune_value(item, tree, None) for item in items]
    return value
