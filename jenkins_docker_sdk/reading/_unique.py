"""Names that must stay unique across a farm beyond what Jenkins itself would catch late.

- One image, one template: two agent templates with the same image (written alike or
  not: ``agent`` and ``docker.io/library/agent:latest`` are one image) would build and
  push over each other, and Jenkins would start either Dockerfile's result for both. The
  farm may publish an image for several templates on purpose, listing it under
  ``tenancy.shared_images`` in farm.yml.
- Team names that differ only in case are one folder to Jenkins, whose item names are
  case-insensitive (``teamX`` and ``TEAMX``): ``Jenkins.items`` and a folder's items are
  maps ordered by ``String.CASE_INSENSITIVE_ORDER`` in Jenkins core.
"""

from __future__ import annotations

from collections.abc import Sequence

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import AgentTemplate, FarmSettings, Location, Problem, TeamRepo
from jenkins_docker_sdk.reading._yaml import load_yaml

_DEFAULT_REGISTRY = "docker.io"


def image_key(image: str) -> str:
    """What an image reference names, written one way: registry, path, tag (and digest).

    Docker's rules: a first component with a '.' or ':' (or ``localhost``) is a registry,
    else the image is on Docker Hub, where one-component names are under ``library/``;
    no tag and no digest means ``:latest``.
    """
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = name[colon + 1 :] if colon > slash else ""
    if tag:
        name = name[:colon]
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), rest
    else:
        registry, path = _DEFAULT_REGISTRY, name
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = _DEFAULT_REGISTRY
    if registry == _DEFAULT_REGISTRY and "/" not in path:
        path = f"library/{path}"
    key = f"{registry}/{path}:{tag or ('latest' if not digest else '')}".rstrip(":")
    return f"{key}@{digest}" if digest else key


def farm_unique(repos: Sequence[TeamRepo], settings: FarmSettings) -> list[Problem]:
    """Every image used by two templates (unless shared) and every team name colliding by case."""
    return [*_images(repos, settings), *_team_case(repos)]


def _images(repos: Sequence[TeamRepo], settings: FarmSettings) -> list[Problem]:
    shared = {image_key(image) for image in settings.tenancy.shared_images}
    owners: dict[str, TeamRepo] = {}
    problems = []
    for repo in repos:
        template = repo.agent
        if template is None:
            continue
        key = image_key(template.image)
        first = owners.setdefault(key, repo)
        if first is repo or key in shared:
            continue
        assert first.agent is not None
        defaulted = (
            " (the default <registry>/<team>/<repo>, in lower case)"
            if template.image == _default(settings, repo)
            else ""
        )
        problems.append(
            Problem(
                f"agent template {template.name!r} has the image {template.image!r}{defaulted}, which is "
                f"already the image of agent template {first.agent.name!r} ({_image_at(first.agent)}): "
                "one image belongs to one template",
                _image_at(template),
                "give each template its own agent.image (the templates would build over each other's image), "
                "or, if they share it on purpose, list it under tenancy.shared_images in farm.yml",
            )
        )
    return problems


def _image_at(template: AgentTemplate) -> Location | None:
    """Where ``agent.image`` was written, when it was (read again: only when reporting)."""
    source = template.source
    if source is None or source.path.name != "jenkins-docker.yml":
        return source
    try:
        agent = load_yaml(source.path).get("agent")
    except (InputError, AttributeError):
        return source
    position = getattr(agent, "positions", {}).get("image")
    return Location(source.path, *position) if position else source


def _default(settings: FarmSettings, repo: TeamRepo) -> str:
    path = f"{repo.team}/{repo.name}".lower()
    return f"{settings.registry}/{path}" if settings.registry else path


def _team_case(repos: Sequence[TeamRepo]) -> list[Problem]:
    seen: dict[str, TeamRepo] = {}
    reported: set[str] = set()
    problems = []
    for repo in repos:
        first = seen.setdefault(repo.team.lower(), repo)
        if first.team != repo.team and repo.team not in reported:
            reported.add(repo.team)
            problems.append(
                Problem(
                    f"team {repo.team!r} and team {first.team!r} (of {first.path}) differ only in case: "
                    "Jenkins item names are case-insensitive, so they would be one folder",
                    repo.source,
                    "rename one team's folder (or its team: key) so that the names differ in more than case",
                )
            )
    return problems
