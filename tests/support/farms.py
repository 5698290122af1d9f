"""Farms built in code, for tests that need a shape no example has (scale, sizes)."""

from __future__ import annotations

from pathlib import Path

from jenkins_docker_sdk import (
    AgentTemplate,
    Farm,
    FarmSettings,
    GitSource,
    JobSpec,
    LabelExpression,
    TeamRepo,
)


def farm_of_templates(count: int, *, teams: int = 40) -> Farm:
    """``count`` repositories with an agent template each, spread over ``teams`` teams."""
    repos = []
    for n in range(count):
        team = f"team{n % teams:02d}"
        name = f"svc-{n:05d}"
        template = AgentTemplate(
            name=f"{team}-{name}",
            team=team,
            repo=f"{team}/{name}",
            image=f"registry.example.com/{team}/{name}:1.{n}",
            labels=frozenset({"linux", f"java{n % 3 + 11}", name}),
            connector=("jnlp", "ssh", "attach")[n % 3],
            instance_cap=n % 7 or None,
            memory_mb=1024 + n,
            cpus=1.5 if n % 2 else None,
            docker_socket=False,
        )
        repos.append(
            TeamRepo(path=Path(team, name), team=team, name=name, manifest=None, agent=template, jobs=())
        )
    return Farm(root=Path("."), settings=FarmSettings(), repos=tuple(repos))


def farm_with_values(*, description: str, step: str, url: str, remote_fs: str) -> Farm:
    """One team, one template and one job carrying the given values."""
    template = AgentTemplate(
        name="team-repo",
        team="team",
        repo="team/repo",
        image="registry.example.com/team/repo:1",
        labels=frozenset({"linux"}),
        remote_fs=remote_fs,
    )
    job = JobSpec(
        team="team",
        name="job",
        repo="team/repo",
        description=description,
        git=GitSource(url=url, branch="main"),
        label=LabelExpression.parse("linux"),
        steps=(step, "make"),
    )
    repo = TeamRepo(
        path=Path("team/repo"), team="team", name="repo", manifest=None, agent=template, jobs=(job,)
    )
    return Farm(root=Path("."), settings=FarmSettings(), repos=(repo,), bindings={job.full_name: (template,)})
