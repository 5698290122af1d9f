"""Discovery: a farm root with farm.yml and team repositories below it -> :class:`Farm`.

A team repository is any directory holding ``jenkins-docker.yml`` and/or a
``Dockerfile``; discovery does not descend into a repository once found (its own
subdirectories are the team's business). Every problem in every file is collected and
reported together, each with its file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs

from jenkins_docker_sdk.errors import FarmError
from jenkins_docker_sdk.labels import (
    analyse_labels,
    tenancy,
)
from jenkins_docker_sdk.model import (
    Farm,
    JobSpec,
    Location,
    Problem,
    TeamRepo,
    use_farm_reader,
)
from jenkins_docker_sdk.reading._credential_scope import check_credentials
from jenkins_docker_sdk.reading._pool import gc_paused, load_repos
from jenkins_docker_sdk.reading._settings import load_settings
from jenkins_docker_sdk.reading._unique import farm_unique
from jenkins_docker_sdk.reading._walk import RepoWalk

T = TypeVar("T")


def load_farm(root: Path, *, workers: int = 1) -> Farm:
    """Discover and check the farm under ``root``.

    Args:
        root: the farm root.
        workers: processes that read repositories: 1 (the default) reads everything in
            this process; 0 means one per core (at most 8) for a farm of at least
            ``PARALLEL_THRESHOLD`` repositories. Workers are forked while this process
            has not loaded the Dockerfile parser, else spawned; a script that asks for
            them needs the usual ``if __name__ == "__main__":`` guard for the latter.

    Raises:
        FarmError: listing every problem found, each with file and line.
    """
    farm, _ = discover(root, _nothing, workers=workers)
    return farm


def discover(
    root: Path, each_chunk: Callable[[list[TeamRepo]], T], *, workers: int = 1
) -> tuple[Farm, list[T]]:
    """:func:`load_farm`, also running ``each_chunk`` where each chunk of repositories is read.

    ``each_chunk`` runs in the worker process that read the chunk (so it must pickle: a
    module-level function or an attrs instance), and only on chunks read without problems;
    its results come back in farm order. This lets work that needs only one repository at
    a time, such as rendering its jobs, run in parallel with reading.

    Raises:
        FarmError: listing every problem found, each with file and line.
    """
    if not root.is_dir():
        raise FarmError.at("farm root is not a directory", Location(root))
    problems: list[Problem] = []
    with gc_paused():
        settings = load_settings(root, problems)
        walk = RepoWalk(root)
        repos, results = load_repos(root, walk.repos(), settings, problems, workers, each_chunk)
        problems.extend(walk.problems)
        repos = _share(repos)
        _check_unique(repos, problems)
        problems.extend(farm_unique(repos, settings))
        problems.extend(check_credentials(settings, repos))
        labels = analyse_labels(repos)  # each job bound to its templates
        problems.extend(labels.problems())
        warnings = (*walk.warnings, *labels.warning_lines())
    if problems:
        raise FarmError(problems)
    farm = Farm(
        root=root,
        settings=settings,
        repos=tuple(repos),
        bindings=labels.bindings,
        warnings=warnings,
        labels=labels,
    )
    return farm, results


def _nothing(repos: list[TeamRepo]) -> None:
    return None


def find_repos(root: Path) -> Iterator[Path]:
    """Relative paths of team repositories under ``root``, sorted (see :class:`~.farm_walk.RepoWalk`)."""
    return RepoWalk(root).repos()


def _share(repos: list[TeamRepo]) -> list[TeamRepo]:
    """Shared templates labelled for every team of the farm, so that every team's jobs reach them."""
    atoms = frozenset(tenancy.team_atom(team) for team in {repo.team for repo in repos})
    return [
        attrs.evolve(repo, agent=attrs.evolve(repo.agent, labels=repo.agent.labels | atoms))
        if repo.agent is not None and repo.agent.shared
        else repo
        for repo in repos
    ]


def _check_unique(repos: list[TeamRepo], problems: list[Problem]) -> None:
    templates: dict[str, TeamRepo] = {}
    jobs: dict[str, JobSpec] = {}
    for repo in repos:
        if repo.agent is not None:
            first = templates.setdefault(repo.agent.name, repo)
            if first is not repo:
                problems.append(
                    Problem(
                        f"agent template name {repo.agent.name!r} is used twice (also by {first.path}): "
                        f"team {repo.team!r} and repository {repo.name!r} collide",
                        repo.source,
                        "template names are <team>-<repo>; rename the repository or fix the team",
                    )
                )
        for job in repo.jobs:
            other = jobs.setdefault(job.full_name.lower(), job)
            if other is not job:
                same = "" if other.full_name == job.full_name else f" as {other.full_name!r}"
                problems.append(
                    Problem(
                        f"job {job.full_name!r} is defined twice (first{same} at {other.source})",
                        job.source,
                        "Jenkins item names are case-insensitive" if same else None,
                    )
                )


use_farm_reader(lambda root, workers: load_farm(root, workers=workers))  # Farm.from_path reads with it
