"""Label expressions, and which agent templates and static nodes serve them.

The expression language itself (parsing exactly as Jenkins does, canonical text) lives in
:mod:`._syntax`. This module binds
expressions the way Jenkins and the Docker and Kubernetes clouds do:

- templates keep their order and the first match wins (``DockerCloud.getTemplates``);
  templates at capacity are skipped;
- a job without a label (expression ``None``) is served only by ``normal``-mode templates
  and nodes; ``exclusive`` ones serve only expressions that match them;
- a static node also carries its own name as a label.

Templates and nodes are indexed by label as integers used as bit sets (bit ``i``: the
``i``-th template), so an expression is resolved with a few integer operations instead of
being evaluated against every template; results are cached per expression.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress
from typing import TYPE_CHECKING, TypeVar

import attrs

from jenkins_docker_sdk.labels import _explain as label_explain
from jenkins_docker_sdk.labels._explain import Explanation, Verdict
from jenkins_docker_sdk.labels._nodes import read_static_nodes
from jenkins_docker_sdk.labels._syntax import (
    LabelExpression,
)
from jenkins_docker_sdk.model import AgentTemplate, StaticNode

if TYPE_CHECKING:
    from jenkins_docker_sdk.clients.protocols import JenkinsNodesClient  # the type only

#: Called with a template: True when it is at capacity (resolve() then skips it).
CapacityCheck = Callable[[AgentTemplate], bool]
_T = TypeVar("_T")
_K = TypeVar("_K")
_V = TypeVar("_V")
_BITS_AS_BYTES = str.maketrans("01", "\x00\x01")
_CACHE_LIMIT = 100_000  # cached expressions per resolver; the cache starts over beyond it


def instance_cap_reached(running: Mapping[str, int]) -> CapacityCheck:
    """A capacity check from the number of agents each template (by name) is running.

    A template is at capacity when it runs ``instance_cap`` agents or more; templates
    without a cap never are. (docker-plugin counts per image instead, so two templates of
    one image share a cap there; count per image yourself to get that behaviour.)
    """

    def at_capacity(template: AgentTemplate) -> bool:
        cap = template.instance_cap
        return cap is not None and running.get(template.name, 0) >= cap

    return at_capacity


def _pick(items: Sequence[_T], mask: int) -> tuple[_T, ...]:
    """The items whose bits are set in ``mask``, in order."""
    if not mask:
        return ()
    if not mask & (mask - 1):
        return (items[mask.bit_length() - 1],)
    bits = bin(mask)[:1:-1]  # least significant bit first
    if mask.bit_count() * 8 > len(bits):  # dense: let compress() walk the bits
        return tuple(compress(items, bits.translate(_BITS_AS_BYTES).encode()))
    picked = []
    position = bits.find("1")
    while position >= 0:
        picked.append(items[position])
        position = bits.find("1", position + 1)
    return tuple(picked)


@attrs.frozen
class Resolution:
    """What serves one expression: matching templates (first match first) and static nodes.

    It holds bit sets; the tuples below are built on each access.

    Attributes:
        expression: the expression resolved (None: a job without a label).
        matched: bit ``i`` set when template ``i`` matches, capacity ignored.
        full: the matching templates that were at capacity when resolved.
        node_matched: bit ``i`` set when online node ``i`` matches.
    """

    expression: LabelExpression | None
    matched: int
    full: int
    node_matched: int
    _templates: tuple[AgentTemplate, ...] = attrs.field(repr=False, eq=False)
    _nodes: tuple[StaticNode, ...] = attrs.field(repr=False, eq=False)

    @property
    def templates(self) -> tuple[AgentTemplate, ...]:
        """Matching templates not at capacity, in template order: the first one wins."""
        return _pick(self._templates, self.matched & ~self.full)

    @property
    def first(self) -> AgentTemplate | None:
        """The template a cloud provisions for this expression, if any."""
        available = self.matched & ~self.full
        return self._templates[(available & -available).bit_length() - 1] if available else None

    @property
    def at_capacity(self) -> tuple[AgentTemplate, ...]:
        """Matching templates skipped because they were at capacity."""
        return _pick(self._templates, self.full)

    @property
    def all_templates(self) -> tuple[AgentTemplate, ...]:
        """Every matching template, at capacity or not, in template order."""
        return _pick(self._templates, self.matched)

    @property
    def nodes(self) -> tuple[StaticNode, ...]:
        """Matching static nodes that are online, in the order given."""
        return _pick(self._nodes, self.node_matched)

    @property
    def servable(self) -> bool:
        """Whether anything matches: a template (even at capacity) or an online node."""
        return bool(self.matched or self.node_matched)


def _remember(cache: dict[_K, _V], key: _K, value: _V) -> _V:
    """Store ``value`` in ``cache``, which starts over when it holds ``_CACHE_LIMIT`` entries."""
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _templates_tuple(templates: Iterable[AgentTemplate]) -> tuple[AgentTemplate, ...]:
    return tuple(templates)


def _nodes_tuple(nodes: Iterable[StaticNode]) -> tuple[StaticNode, ...]:
    return tuple(nodes)


@attrs.frozen(eq=False)
class _Index:
    """Label -> bit set of the items carrying it, and the bit sets of all and of normal items."""

    labels: dict[str, int]
    everything: int
    normal: int

    @classmethod
    def build(cls, label_sets: Iterable[tuple[frozenset[str], bool]]) -> _Index:
        labels: dict[str, int] = {}
        everything = normal = 0
        for position, (carried, is_normal) in enumerate(label_sets):
            bit = 1 << position
            everything |= bit
            if is_normal:
                normal |= bit
            for label in carried:
                labels[label] = labels.get(label, 0) | bit
        return cls(labels, everything, normal)

    def select(self, expression: LabelExpression | None) -> int:
        if expression is None:
            return self.normal
        return expression.bitmask(self.labels, self.everything) if self.everything else 0


@attrs.frozen(eq=False)
class LabelResolver:
    """Binds label expressions to the agent templates and static nodes that serve them.

    Args:
        templates: agent templates in priority order (the first match wins).
        nodes: permanent agents; offline ones never serve a job.
        capacity: called with a matching template, True when it is at capacity;
            :meth:`resolve` then skips it (it is called on every resolve, never cached).
    """

    templates: tuple[AgentTemplate, ...] = attrs.field(converter=_templates_tuple)
    nodes: tuple[StaticNode, ...] = attrs.field(default=(), converter=_nodes_tuple)
    capacity: CapacityCheck | None = None
    _template_index: _Index = attrs.field(init=False, repr=False)
    _node_index: _Index = attrs.field(init=False, repr=False)
    _online: int = attrs.field(init=False, repr=False)
    _by_text: dict[str, tuple[LabelExpression, int, int]] = attrs.field(init=False, repr=False, factory=dict)
    _by_expression: dict[LabelExpression, tuple[int, int]] = attrs.field(init=False, repr=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        templates = ((t.labels, t.mode == "normal") for t in self.templates)
        nodes = ((n.assigned_labels, n.mode == "normal") for n in self.nodes)
        object.__setattr__(self, "_template_index", _Index.build(templates))
        object.__setattr__(self, "_node_index", _Index.build(nodes))
        online = sum(1 << i for i, node in enumerate(self.nodes) if not node.offline)
        object.__setattr__(self, "_online", online)

    @classmethod
    def from_jenkins(
        cls,
        client: JenkinsNodesClient,
        templates: Iterable[AgentTemplate] = (),
        capacity: CapacityCheck | None = None,
    ) -> LabelResolver:
        """A resolver over ``templates`` and the static nodes of a Jenkins controller.

        ``client`` needs python-jenkins' ``get_nodes()`` and ``get_node_config(name)``;
        see :mod:`._nodes` (the built-in node is not read).

        Raises:
            InputError: a node's configuration cannot be read; the node is named.
        """
        return cls(templates, read_static_nodes(client), capacity)

    def parse(self, text: str) -> LabelExpression:
        """Parse ``text`` (cached: each distinct text is parsed once per resolver).

        Raises:
            LabelSyntaxError: the text is not a label expression.
        """
        return self._lookup_text(text)[0]

    def resolve(self, expression: LabelExpression | str | None) -> Resolution:
        """What serves ``expression`` (a parsed expression, its text, or None: no label).

        Raises:
            LabelSyntaxError: ``expression`` is text that does not parse.
        """
        parsed: LabelExpression | None
        if isinstance(expression, str):
            parsed, matched, node_matched = self._lookup_text(expression)
        else:
            parsed = expression
            matched, node_matched = self._masks(expression)
        full = self._full(matched, self.capacity) if self.capacity is not None and matched else 0
        return Resolution(parsed, matched, full, node_matched, self.templates, self.nodes)

    def explain(self, expression: LabelExpression | str | None) -> Explanation:
        """Every template and node judged against ``expression``, with the smallest fix for each.

        Raises:
            LabelSyntaxError: ``expression`` is text that does not parse.
        """
        parsed = self.parse(expression) if isinstance(expression, str) else expression
        return label_explain.explain(parsed, self.templates, self.nodes, self.capacity)

    def nearest(self, expression: LabelExpression | str, limit: int = 3) -> tuple[Verdict, ...]:
        """The templates closest to serving ``expression``, each with the smallest change it needs.

        ``str()`` of each reads ``name (lacks ...; has excluded ...)``.
        """
        return self.explain(expression).nearest(limit)

    def _lookup_text(self, text: str) -> tuple[LabelExpression, int, int]:
        found = self._by_text.get(text)
        if found is None:
            expression = LabelExpression.parse(text)
            templates = self._template_index.select(expression)
            nodes = self._node_index.select(expression) & self._online
            found = _remember(self._by_text, text, (expression, templates, nodes))
        return found

    def _masks(self, expression: LabelExpression | None) -> tuple[int, int]:
        if expression is None:
            return self._template_index.normal, self._node_index.normal & self._online
        found = self._by_expression.get(expression)
        if found is None:
            templates = self._template_index.select(expression)
            nodes = self._node_index.select(expression) & self._online
            found = _remember(self._by_expression, expression, (templates, nodes))
        return found

    def _full(self, matched: int, capacity: CapacityCheck) -> int:
        full = 0
        for position in _pick(range(len(self.templates)), matched):
            if capacity(self.templates[position]):
                full |= 1 << position
        return full
