"""Who is which team: a repository's team comes from where the farm puts it, not from its files.

A repository belongs to the team of the first folder of its path under the farm root, or
to the team farm.yml's ``tenancy.paths`` gives the longest path it lies under (farm.yml is
the platform team's file); a manifest's ``team:`` may only restate it. Which templates
serve every team, and which jobs are held to their team's templates, are farm.yml's
``tenancy`` settings too (docs/security.md, "Tenancy").
"""

from __future__ import annotations

from pathlib import Path

from jenkins_docker_sdk.model import Tenancy


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
