"""Tenancy: which team a repository belongs to, and which agent templates may run a team's jobs.

The rules (docs/security.md, "Tenancy"):

1. A repository belongs to the team the farm puts it under: the first folder of its path,
   or the longest matching path of farm.yml ``tenancy.paths`` (the platform team's file).
   A manifest's ``team:`` may only restate it.
2. A job runs only on its own team's templates and on shared ones: the templates of
   ``tenancy.shared_teams`` (default ``platform``), those named in
   ``tenancy.shared_templates``, and every DryDock template. With ``isolation:
   credentials`` only the jobs that bind credentials are held to it.
3. Jenkins is held to it through labels: a team's template carries ``team=<team>``, a
   shared one ``team=<t>`` for every team of the farm, and an isolated job's expression is
   ``team=<team> && (...)``; a team's templates are ``exclusive``, so no unlabelled job
   reaches them either. Atoms starting with ``team=`` are reserved for these labels.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from jenkins_docker_sdk.labels._syntax import And, Atom, LabelExpression
from jenkins_docker_sdk.model import AgentTemplate, Tenancy

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


def team_of(tenancy: Tenancy, repository: Path) -> tuple[str, str]:
    """The team that owns ``repository`` (relative to the farm root), and why, for messages."""
    parts = repository.parts
    best: tuple[int, str, str] | None = None
    for path, team in tenancy.paths:
        prefix = Path(path).parts
        if parts[: len(prefix)] == prefix and (best is None or len(prefix) > best[0]):
            best = (len(prefix), team, f"farm.yml tenancy.paths {path!r}")
    if best is not None:
        return best[1], best[2]
    return parts[0], "the first folder of its path under the farm root"


def is_shared(tenancy: Tenancy, team: str, template: str) -> bool:
    """Whether the farm shares the template ``template`` of ``team`` with every team.

    DryDock templates are shared besides: every team's image builds run there.
    """
    return team in tenancy.shared_teams or template in tenancy.shared_templates


def isolated(tenancy: Tenancy, *, binds_credentials: bool) -> bool:
    """Whether a job may run only on its team's and the shared templates.

    ``binds_credentials``: a credential reaches the job's agent (a binding, or the
    checkout's credential).
    """
    return tenancy.isolation == "all" or binds_credentials


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
