"""Tenancy in labels: the team labels that keep a team's jobs on its own and the shared templates.

The rules are in docs/security.md ("Tenancy"); which repository belongs to which team and
which templates the farm shares is decided where the farm is read
(:mod:`jenkins_docker_sdk.reading`). What Jenkins is told: a team's template carries
``team=<team>``, a shared one ``team=<t>`` for every team of the farm, and an isolated job's
expression is ``team=<team> && (...)``. Atoms starting with ``team=`` are reserved for these
labels; the provisioner serves a team only the templates :func:`may_serve` allows.
"""

from __future__ import annotations

from collections.abc import Iterable

from jenkins_docker_sdk.labels._syntax import And, Atom, LabelExpression
from jenkins_docker_sdk.model import AgentTemplate

TEAM_ATOM_PREFIX = "team="
RESERVED_HINT = (
    f"labels starting with {TEAM_ATOM_PREFIX!r} are reserved: the farm gives every template the "
    "label team=<its team> and every job the condition team=<its team> itself"
)


def team_atom(team: str) -> str:
    """The label that says a template serves ``team``'s jobs."""
    return TEAM_ATOM_PREFIX + team


def is_reserved(atom: str) -> bool:
    """Whether ``atom`` is a tenancy label, which teams may not write themselves."""
    return atom.startswith(TEAM_ATOM_PREFIX)


def with_team(expression: LabelExpression, team: str) -> LabelExpression:
    """``team=<team> && expression``: served only by templates that serve ``team``.

    The atom goes first in a chain of ``&&`` (``team=a && linux && java``), so the text
    stays as flat as the team wrote it.
    """
    atom = Atom(team_atom(team))
    if isinstance(expression, And):
        return And(with_team(expression.left, team), expression.right)
    return And(atom, expression)


def without_team(expression: LabelExpression) -> LabelExpression | None:
    """The expression without the atom :func:`with_team` added, or None when it has none."""
    if not isinstance(expression, And):
        return None
    if isinstance(expression.left, Atom) and is_reserved(expression.left.name):
        return expression.right
    left = without_team(expression.left)
    return None if left is None else And(left, expression.right)


def requested_team(expression: LabelExpression | None) -> str | None:
    """The team a label asks for: ``X`` when ``team=X`` is one of its top-level conjuncts."""
    if expression is None:
        return None
    teams = {atom[len(TEAM_ATOM_PREFIX) :] for atom in _conjuncts(expression) if is_reserved(atom)}
    return next(iter(teams)) if len(teams) == 1 else None


def _conjuncts(expression: LabelExpression) -> Iterable[str]:
    if isinstance(expression, Atom):
        yield expression.name
    elif isinstance(expression, And):
        yield from _conjuncts(expression.left)
        yield from _conjuncts(expression.right)


def may_serve(template: AgentTemplate, team: str | None) -> bool:
    """Whether ``template`` may run a job of ``team`` (None: a job of no known team)."""
    return template.shared or template.team == team
