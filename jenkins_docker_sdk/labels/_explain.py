"""Why a label expression is or is not served by each agent template and static node.

For every template or node that does not match, :class:`ChangeFinder` computes the
smallest set of atoms to add to or remove from its labels so that it would. The search is
exact: the expression's truth table over its own atoms is computed once, as one integer
(bit ``s`` set when assignment ``s`` satisfies it), then subsets of atoms to flip are tried
by increasing size, atoms in the order the expression first mentions them. Expressions
with more than ``MAX_EXACT_ATOMS`` atoms, or a search longer than ``MAX_TRIES`` subsets,
fall back to a polarity heuristic (add what appears un-negated, remove what appears
negated), flagged ``exact=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import combinations, islice
from typing import Any, Literal

import attrs

from jenkins_docker_sdk.labels._syntax import Atom, Implies, LabelExpression, Not, quote_atom
from jenkins_docker_sdk.labels._tenancy import TEAM_ATOM_PREFIX
from jenkins_docker_sdk.model import AgentTemplate, Mode, StaticNode

#: Expressions with more atoms than this are explained by the polarity heuristic.
MAX_EXACT_ATOMS = 16
#: Subsets tried per label set before falling back to the heuristic (all of them up to 12 atoms).
MAX_TRIES = 4096

Kind = Literal["template", "node"]


@attrs.frozen
class Change:
    """The smallest change to a label set that makes an expression match it."""

    lacks: frozenset[str]
    excess: frozenset[str]
    exact: bool = True

    def __str__(self) -> str:
        return describe_change(self.lacks, self.excess) or "matches"


class ChangeFinder:
    """Smallest label changes for one expression; results are cached per assignment."""

    def __init__(self, expression: LabelExpression) -> None:
        self.expression = expression
        self.atoms = atoms_in_order(expression)
        self._cache: dict[int, Change] = {}
        self._table: int | None = None
        if len(self.atoms) <= MAX_EXACT_ATOMS:
            self._table = truth_table(expression, self.atoms)

    @property
    def satisfiable(self) -> bool | None:
        """Whether any label set matches; None when there are too many atoms to tell."""
        return None if self._table is None else self._table != 0

    def change(self, labels: frozenset[str]) -> Change:
        """What ``labels`` lacks or has in excess to match (nothing when it matches).

        When no label set matches (a contradiction such as ``a && !a``), nothing helps:
        the change is empty and not exact.
        """
        assignment = 0
        for bit, atom in enumerate(self.atoms):
            if atom in labels:
                assignment |= 1 << bit
        found = self._cache.get(assignment)
        if found is None:
            found = self._cache[assignment] = self._search(assignment)
        return found

    def _search(self, assignment: int) -> Change:
        table, count = self._table, len(self.atoms)
        if table == 0:
            return Change(frozenset(), frozenset(), exact=False)
        if table is not None:
            by_size = (flips for size in range(count + 1) for flips in combinations(range(count), size))
            for flips in islice(by_size, MAX_TRIES):
                if table >> (assignment ^ sum(1 << bit for bit in flips)) & 1:
                    return self._describe(assignment, flips)
        wanted, unwanted = polarity(self.expression)
        held = {atom for bit, atom in enumerate(self.atoms) if assignment >> bit & 1}
        return Change(frozenset(wanted - held), frozenset(unwanted & held), exact=False)

    def _describe(self, assignment: int, flips: Iterable[int]) -> Change:
        lacks: set[str] = set()
        excess: set[str] = set()
        for bit in flips:
            (excess if assignment >> bit & 1 else lacks).add(self.atoms[bit])
        return Change(frozenset(lacks), frozenset(excess))


def describe_change(lacks: frozenset[str], excess: frozenset[str]) -> str:
    """``lacks a, b; has excluded c``, atoms quoted where an expression would quote them."""
    parts = []
    if lacks:
        parts.append("lacks " + ", ".join(quote_atom(a) for a in sorted(lacks)))
    if excess:
        parts.append("has excluded " + ", ".join(quote_atom(a) for a in sorted(excess)))
    return "; ".join(parts)


def atoms_in_order(expression: LabelExpression) -> tuple[str, ...]:
    """The expression's atoms, each once, in the order the text first mentions them."""
    seen: dict[str, None] = {}
    stack = [expression]
    while stack:
        node = stack.pop()
        if isinstance(node, Atom):
            seen.setdefault(node.name, None)
        else:
            stack.extend(reversed(node.operands))
    return tuple(seen)


def truth_table(expression: LabelExpression, atoms: tuple[str, ...]) -> int:
    """Bit ``s`` is set when the assignment ``s`` (bit ``i``: has ``atoms[i]``) satisfies it."""
    size = 1 << len(atoms)
    universe = (1 << size) - 1
    columns = {}
    for bit, atom in enumerate(atoms):
        run = 1 << bit  # assignments alternate in runs of this length without and with the atom
        period = 2 * run
        columns[atom] = (((1 << run) - 1) << run) * (universe // ((1 << period) - 1))
    return expression.bitmask(columns, universe)


def polarity(expression: LabelExpression, negated: bool = False) -> tuple[set[str], set[str]]:
    """Atoms that appear positively and negatively (under an odd number of ``!``)."""
    if isinstance(expression, Atom):
        return (set(), {expression.name}) if negated else ({expression.name}, set())
    if isinstance(expression, Not):
        return polarity(expression.operand, not negated)
    left, right = expression.operands
    left_pos, left_neg = polarity(left, negated ^ isinstance(expression, Implies))
    right_pos, right_neg = polarity(right, negated)
    return left_pos | right_pos, left_neg | right_neg


@attrs.frozen
class Verdict:
    """One template or node, judged against one expression."""

    kind: Kind
    name: str
    mode: Mode
    labels: frozenset[str]
    matches: bool
    change: Change
    mode_mismatch: bool = False
    at_capacity: bool = False
    offline: bool = False
    winner: bool = False

    @property
    def lacks(self) -> frozenset[str]:
        """Atoms to add so that it would match."""
        return self.change.lacks

    @property
    def excess(self) -> frozenset[str]:
        """Atoms to remove so that it would match (they are negated in the expression)."""
        return self.change.excess

    def __str__(self) -> str:
        return f"{self.name} ({self.reason()})"

    def reason(self) -> str:
        """Why it is (not) used, in a few words."""
        if self.matches:
            if self.at_capacity:
                return "matches, but at capacity: skipped"
            if self.offline:
                return "matches, but offline"
            return "matches (winner: provisioned first)" if self.winner else "matches"
        if self.mode_mismatch:
            return "exclusive: serves only jobs whose label it matches, never unlabeled jobs"
        if not self.change.lacks and not self.change.excess:
            return "no change of labels would make it match"
        approximate = "" if self.change.exact else " (approximate)"
        return f"{self.change}{approximate}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        data: dict[str, Any] = {
            "name": self.name,
            "mode": self.mode,
            "labels": sorted(self.labels),
            "matches": self.matches,
            "lacks": sorted(self.lacks),
            "excess": sorted(self.excess),
            "exact": self.change.exact,
            "mode_mismatch": self.mode_mismatch,
        }
        if self.kind == "template":
            data.update(winner=self.winner, at_capacity=self.at_capacity)
        else:
            data["offline"] = self.offline
        return data


@attrs.frozen
class Explanation:
    """Every template (in order) and static node, judged against one label expression.

    ``expression`` None stands for a job without a label, which only ``normal`` templates
    and nodes serve.
    """

    expression: LabelExpression | None
    templates: tuple[Verdict, ...]
    nodes: tuple[Verdict, ...] = ()
    satisfiable: bool | None = True

    @property
    def winner(self) -> Verdict | None:
        """The template a cloud would provision: the first match that is not at capacity."""
        return next((v for v in self.templates if v.winner), None)

    @property
    def matching(self) -> tuple[Verdict, ...]:
        """The templates and nodes that match, at capacity or offline included."""
        return tuple(v for v in (*self.templates, *self.nodes) if v.matches)

    def nearest(self, limit: int = 3) -> tuple[Verdict, ...]:
        """The templates that do not match but need the fewest label changes to, fewest first."""
        missing = [v for v in self.templates if not v.matches]
        missing.sort(key=lambda v: (len(v.lacks) + len(v.excess), v.name))
        return tuple(missing[:limit])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the expression, the winner, and every verdict."""
        winner = self.winner
        return {
            "expression": None if self.expression is None else str(self.expression),
            "satisfiable": self.satisfiable,
            "winner": winner.name if winner else None,
            "templates": [v.to_dict() for v in self.templates],
            "nodes": [v.to_dict() for v in self.nodes],
        }

    def to_text(self) -> str:
        """Readable: a summary line, then one line per template and per node."""
        shown = "(no label)" if self.expression is None else str(self.expression)
        lines = [f"expression: {shown}"]
        winner = self.winner
        matching = [v for v in self.templates if v.matches]
        if winner is not None:
            lines.append(f"winner: {winner.name} (first of {len(matching)} matching templates)")
        elif matching:
            lines.append("winner: none: every matching template is at capacity")
        else:
            lines.append("winner: none: no template matches")
        nodes = [v.name for v in self.nodes if v.matches and not v.offline]
        if nodes:
            lines.append(f"static nodes that can take it: {', '.join(nodes)}")
        if self.satisfiable is False:
            lines.append("the expression is a contradiction: no set of labels satisfies it")
        lines += _section("templates, in order (the first match not at capacity wins)", self.templates)
        if self.nodes:
            lines += _section("static nodes (an idle matching node takes the job first)", self.nodes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def _shown_labels(labels: Iterable[str]) -> list[str]:
    """Labels as a person reads them: a shared template's team labels as one ``team=(N teams)``."""
    atoms = sorted(labels)
    teams = [atom for atom in atoms if atom.startswith(TEAM_ATOM_PREFIX)]
    if len(teams) < 2:
        return [quote_atom(atom) for atom in atoms]
    return [quote_atom(atom) for atom in atoms if atom not in teams] + [
        f"{TEAM_ATOM_PREFIX}({len(teams)} teams)"
    ]


def _section(title: str, verdicts: tuple[Verdict, ...]) -> list[str]:
    if not verdicts:
        return ["", f"{title}: none"]
    names = max(len(v.name) for v in verdicts)
    labels = {v.name: "[" + " ".join(_shown_labels(v.labels)) + "]" for v in verdicts}
    width = max(map(len, labels.values()))
    lines = ["", f"{title}:"]
    for v in verdicts:
        mark = "*" if v.winner else "+" if v.matches else "-"
        lines.append(f"  {mark} {v.name:<{names}}  {v.mode:<9}  {labels[v.name]:<{width}}  {v.reason()}")
    return lines


def explain(
    expression: LabelExpression | None,
    templates: tuple[AgentTemplate, ...],
    nodes: tuple[StaticNode, ...],
    capacity: Callable[[AgentTemplate], bool] | None,
) -> Explanation:
    """Judge ``expression`` against every template and node; see :class:`Explanation`."""
    finder = None if expression is None else ChangeFinder(expression)
    verdicts: list[Verdict] = []
    won = False
    for template in templates:
        verdict = _verdict("template", template.name, template.mode, template.labels, expression, finder)
        if verdict.matches:
            full = capacity is not None and capacity(template)
            verdict = attrs.evolve(verdict, at_capacity=full, winner=not full and not won)
            won = won or verdict.winner
        verdicts.append(verdict)
    judged_nodes = tuple(
        attrs.evolve(
            _verdict("node", node.name, node.mode, node.assigned_labels, expression, finder),
            offline=node.offline,
        )
        for node in nodes
    )
    return Explanation(
        expression=expression,
        templates=tuple(verdicts),
        nodes=judged_nodes,
        satisfiable=True if finder is None else finder.satisfiable,
    )


def _verdict(
    kind: Kind,
    name: str,
    mode: Mode,
    labels: frozenset[str],
    expression: LabelExpression | None,
    finder: ChangeFinder | None,
) -> Verdict:
    if expression is None or finder is None:
        normal = mode == "normal"
        return Verdict(kind, name, mode, labels, normal, Change(frozenset(), frozenset()), not normal)
    if expression.matches(labels):
        return Verdict(kind, name, mode, labels, True, Change(frozenset(), frozenset()))
    return Verdict(kind, name, mode, labels, False, finder.change(labels))
