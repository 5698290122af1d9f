"""Who may bind which credential, checked while a farm is read (errors at file:line).

A job may bind a credential that its own team declares (in any of the team's
``jenkins-docker.yml``, stored in the team folder) or one that ``farm.yml`` declares with
``shared: true`` (stored in the system store). The binding's type must be the declared one;
``git.credentials`` must name a ``username_password`` or ``ssh_key`` credential. No two
credentials may take their values from the same variable names (``my-token`` and
``my_token`` both read ``MY_TOKEN_SECRET``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

from jenkins_docker_sdk.model import (
    Credential,
    CredentialType,
    FarmSettings,
    JobSpec,
    Location,
    Problem,
    TeamRepo,
    variable_collisions,
)

#: Types ``git(credentialsId: ...)`` can clone with.
GIT_TYPES: tuple[CredentialType, ...] = ("username_password", "ssh_key")
#: Shell tracing: ``set -x`` / ``set -o xtrace`` anywhere, or a ``#!`` line with an ``x`` option.
_TRACING = re.compile(
    r"(?:^|[\s;&|(])set(?:\s+[-+][A-Za-z]+)*?\s+(?:-[A-Za-z]*x[A-Za-z]*|-o\s+xtrace)\b"
    r"|\A#![^\n]*\s-[A-Za-z]*x",
    re.MULTILINE,
)


def check_credentials(settings: FarmSettings, repos: Sequence[TeamRepo]) -> list[Problem]:
    """Every problem with the farm's credential declarations and the jobs' bindings."""
    problems: list[Problem] = []
    farm = _unique(settings.credentials, problems, "farm.yml")
    teams: dict[str, dict[str, Credential]] = {}
    for repo in repos:
        declared = teams.setdefault(repo.team, {})
        for credential in repo.credentials:
            first = declared.get(credential.id)
            if first is not None and (first.type, first.description) != (
                credential.type,
                credential.description,
            ):
                problems.append(
                    Problem(
                        f"credential {credential.id!r} of team {repo.team} is declared differently "
                        f"at {first.source}",
                        credential.source,
                        "declare it the same way (type and description) in every repository of the team",
                    )
                )
            elif first is None:
                declared[credential.id] = credential
                if credential.id in farm:
                    problems.append(
                        Problem(
                            f"credential {credential.id!r} of team {repo.team} has the id of a "
                            f"farm credential ({farm[credential.id].source})",
                            credential.source,
                            "choose another id: the folder's credential would hide the global one",
                        )
                    )
    for repo in repos:
        for job in repo.jobs:
            problems.extend(_check_job(job, teams.get(job.team, {}), farm))
    every = [*farm.values(), *(credential for team in teams.values() for credential in team.values())]
    problems.extend(variable_collisions(every))  # jds credentials sync would refuse them later
    return problems


def _unique(credentials: Iterable[Credential], problems: list[Problem], where: str) -> dict[str, Credential]:
    found: dict[str, Credential] = {}
    for credential in credentials:
        if credential.id in found:
            problems.append(
                Problem(
                    f"credential {credential.id!r} is declared twice in {where} "
                    f"(first at {found[credential.id].source})",
                    credential.source,
                )
            )
        found.setdefault(credential.id, credential)
    return found


def _check_job(job: JobSpec, team: dict[str, Credential], farm: dict[str, Credential]) -> list[Problem]:
    problems = []
    if job.credentials:
        for number, step in enumerate(job.steps, 1):
            if _TRACING.search(step):
                problems.append(
                    Problem(
                        f"step {number} of job {job.full_name!r} turns on shell tracing (set -x) while "
                        "credentials are bound: commands using them would be echoed to the build log",
                        job.source,
                        "remove set -x / -x from the step (jds already runs bound steps untraced)",
                    )
                )
    for index, binding in enumerate(job.credentials):
        where = job.credential_sources[index] if index < len(job.credential_sources) else job.source
        problem = _check_use(job, binding.id, (binding.type,), team, farm, where)
        if problem is not None:
            problems.append(problem)
    if job.git is not None and job.git.credentials:
        problem = _check_use(
            job, job.git.credentials, GIT_TYPES, team, farm, job.git_credentials_source or job.source
        )
        if problem is not None:
            problems.append(problem)
    return problems


def _check_use(
    job: JobSpec,
    credential_id: str,
    types: tuple[CredentialType, ...],
    team: dict[str, Credential],
    farm: dict[str, Credential],
    where: Location | None,
) -> Problem | None:
    credential = team.get(credential_id)
    if credential is None:
        credential = farm.get(credential_id)
        if credential is not None and not credential.shared:
            return Problem(
                f"job {job.full_name!r} binds the farm credential {credential_id!r}, "
                "which farm.yml does not mark as shared",
                where,
                f"a job may bind the credentials of team {job.team} and the farm's shared ones; "
                f"ask the platform team to set shared: true on it ({credential.source})",
            )
    if credential is None:
        usable = sorted([*team, *(c for c, v in farm.items() if v.shared)])
        close = difflib.get_close_matches(credential_id, usable, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return Problem(
            f"job {job.full_name!r} binds credential {credential_id!r}, which team {job.team} "
            "does not declare and the farm does not share",
            where,
            hint
            + f"declare it under credentials: in a jenkins-docker.yml of team {job.team} "
            + "(id and type, never the value); "
            + ("usable here: " + ", ".join(usable) if usable else "no credential is usable here yet"),
        )
    if credential.type not in types:
        return Problem(
            f"job {job.full_name!r} uses credential {credential_id!r} as {' or '.join(types)}, "
            f"but it is declared as {credential.type} ({credential.source})",
            where,
            f"accepted here: a credential of type {' or '.join(types)}",
        )
    return None
