"""Discovery: a farm root with farm.yml and team repositories below it -> :class:`Farm`.

A team repository is any directory holding ``jenkins-docker.yml`` and/or a
``Dockerfile``; discovery does not descend into a repository once found (its own
subdirectories are the team's business). Every problem in every file is collected and
reported together, each with its file and line.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

import attrs

from jenkins_docker_sdk.credentials.scope import check_credentials
from jenkins_docker_sdk.dockerfile import (
    AGENT_LABELS_KEY,
    DockerfileInfo,
    go_runtime_loaded,
    parse_dockerfile,
)
from jenkins_docker_sdk.errors import FarmError, InputError, LabelSyntaxError
from jenkins_docker_sdk.farm_unique import farm_unique
from jenkins_docker_sdk.farm_walk import DOCKERFILE, FARM_FILE, MANIFEST, RepoWalk
from jenkins_docker_sdk.labels import (
    And,
    Atom,
    LabelExpression,
    analyse_labels,
    parse_label_string,
    quote_atom,
    tenancy,
)
from jenkins_docker_sdk.manifest import FarmFile, JobConfig, RepoManifest, read
from jenkins_docker_sdk.model import (
    AgentTemplate,
    CloudSettings,
    Credential,
    CredentialBinding,
    Farm,
    FarmSettings,
    JobSpec,
    Location,
    Problem,
    TeamRepo,
    Tenancy,
    Triggers,
    names,
    use_farm_reader,
)
from jenkins_docker_sdk.repo_paths import inside as _inside
from jenkins_docker_sdk.yamlfile import load_yaml

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
        settings = _load_settings(root, problems)
        walk = RepoWalk(root)
        repos, results = _load_repos(root, walk.repos(), settings, problems, workers, each_chunk)
        problems.extend(walk.problems)
        repos = _share(repos)
        _check_unique(repos, problems)
        problems.extend(farm_unique(repos, settings))
        problems.extend(check_credentials(settings, repos))
        bindings, warnings = _bind(repos, problems)
        warnings = [*walk.warnings, *warnings]
    if problems:
        raise FarmError(problems)
    farm = Farm(root=root, settings=settings, repos=tuple(repos), bindings=bindings, warnings=tuple(warnings))
    return farm, results


def _nothing(repos: list[TeamRepo]) -> None:
    return None


def find_repos(root: Path) -> Iterator[Path]:
    """Relative paths of team repositories under ``root``, sorted (see :class:`~.farm_walk.RepoWalk`)."""
    return RepoWalk(root).repos()


def _load_settings(root: Path, problems: list[Problem]) -> FarmSettings:
    path = root / FARM_FILE
    if not path.exists():
        return FarmSettings()
    try:
        data = load_yaml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return FarmSettings()
    farm_file, found = read(data, FarmFile, path, "farm.yml")
    problems.extend(found)
    if farm_file is None:
        return FarmSettings()
    cloud = farm_file.cloud
    defaults = farm_file.defaults
    return FarmSettings(
        jenkins_url=farm_file.jenkins.url if farm_file.jenkins else None,
        registry=farm_file.registry,
        cloud=CloudSettings(**{k: v for k, v in attrs.asdict(cloud).items() if v is not None})
        if cloud
        else CloudSettings(),
        drydock_label=(farm_file.drydock.label if farm_file.drydock else None) or "drydock",
        drydock_teams=tuple((farm_file.drydock.teams if farm_file.drydock else None) or ("platform",)),
        default_branch=(defaults.branch if defaults else None) or "main",
        default_timeout_minutes=(defaults.timeout_minutes if defaults else None) or 60,
        policy=_policy_path(farm_file, data, path, problems),
        credentials=tuple(
            Credential(
                id=c.id,
                type=c.type,
                scope="global",
                description=c.description or "",
                shared=bool(c.shared),
                source=_item_location(path, data, "credentials", index),
            )
            for index, c in enumerate(farm_file.credentials or ())
        ),
        tenancy=_tenancy(farm_file),
        source=Location(path),
    )


def _tenancy(farm_file: FarmFile) -> Tenancy:
    config = farm_file.tenancy
    if config is None:
        return Tenancy()
    return Tenancy(
        paths=tuple((entry.path.removesuffix("/"), entry.team) for entry in config.paths or ()),
        shared_teams=tuple(config.shared_teams if config.shared_teams is not None else ("platform",)),
        shared_templates=tuple(config.shared_templates or ()),
        isolation=config.isolation or "all",
        shared_images=tuple(config.shared_images or ()),
    )


def _item_location(path: Path, data: Any, key: str, index: int) -> Location:
    """Where item ``index`` of the list under ``key`` of a loaded YAML mapping is."""
    positions = getattr(data.get(key), "positions", [])
    return Location(path, *positions[index]) if index < len(positions) else Location(path)


def _policy_path(farm_file: FarmFile, data: Any, path: Path, problems: list[Problem]) -> Path | None:
    """farm.yml's ``validation.policy``, resolved next to farm.yml; it must exist inside the farm
    root (symlinks followed) and be a policy. A policy elsewhere is given on the command line."""
    name = farm_file.validation.policy if farm_file.validation else None
    if name is None:
        return None
    positions = getattr(data.get("validation"), "positions", {})
    at = Location(path, *positions["policy"]) if "policy" in positions else Location(path)
    policy = path.parent / name
    try:
        outside = not _inside(policy, path.parent)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if outside:
        problems.append(
            Problem(
                f"validation.policy {name!r} is outside the farm root {path.parent}",
                at,
                "keep the policy in the farm (a path relative to farm.yml, without '..' or symlinks "
                "leaving it), or leave the key out and give the policy on the command line "
                "(jds validate --farm FARM --policy FILE)",
            )
        )
        return None
    if not policy.is_file():
        problems.append(
            Problem(
                f"validation.policy {name!r}: no such file ({policy})",
                at,
                "give a policy file's path relative to farm.yml, or leave the key out for the default policy",
            )
        )
        return None
    from jenkins_docker_sdk.validation.policy import read_policy_file  # only when a farm names one

    try:
        read_policy_file(policy)
    except InputError as exc:
        problems.extend(exc.problems)
    return policy


@attrs.define
class _RepoReader:
    """Reads one repository, appending problems instead of stopping at the first."""

    root: Path
    rel: Path
    settings: FarmSettings
    problems: list[Problem]
    directory: Path = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.directory = self.root / self.rel

    def at(self, path: Path, position: tuple[int, int] | None = None) -> Location:
        return Location(path, *position) if position else Location(path)

    def fail(self, message: str, location: Location, hint: str | None = None) -> None:
        self.problems.append(Problem(message, location, hint))

    def load(self) -> TeamRepo | None:
        manifest_path = self.directory / MANIFEST
        raw: Any = {}
        manifest = RepoManifest()
        has_manifest = manifest_path.exists()
        if has_manifest:
            before = len(self.problems)
            try:
                raw = load_yaml(manifest_path) or {}
            except InputError as exc:
                self.problems.extend(exc.problems)
                return None
            parsed, found = read(raw, RepoManifest, manifest_path, MANIFEST)
            self.problems.extend(found)
            if parsed is None or len(self.problems) > before:
                return None
            manifest = parsed
        team, origin = tenancy.team_of(self.settings.tenancy, self.rel)
        if manifest.team is not None and manifest.team != team:
            self.fail(
                f"team {manifest.team!r} is not this repository's team: {self.rel} belongs to team "
                f"{team!r} ({origin})",
                self.at(manifest_path, raw.positions.get("team")),
                f"a repository cannot choose its team: remove team:, or write team: {team}; the platform "
                "team maps repositories to teams in farm.yml tenancy.paths",
            )
            return None
        name = self.rel.name
        derived = (
            ("repository name", name, "the folder name"),
            ("team name", team, origin),
            ("agent template name", f"{team}-{name}", "<team>-<repo>"),
        )
        for what, value, origin in derived:
            if (reason := names.item_name(value)) is not None:
                self.fail(f"{what} {value!r} ({origin}) is not accepted: {reason}", Location(self.directory))
                return None
        agent = self._agent(manifest, raw, team, name, manifest_path)
        jobs = tuple(
            job
            for index, config in enumerate(manifest.jobs or ())
            if (job := self._job(config, raw["jobs"], index, team, name, agent, manifest_path))
        )
        team_key = raw.positions.get("team") if manifest.team else None
        credentials = tuple(
            Credential(
                id=c.id,
                type=c.type,
                team=team,
                description=c.description or "",
                source=_item_location(manifest_path, raw, "credentials", index),
            )
            for index, c in enumerate(manifest.credentials or ())
        )
        return TeamRepo(
            path=self.rel,
            source=self.at(manifest_path, team_key) if team_key else Location(self.directory),
            team=team,
            name=name,
            manifest=manifest_path if has_manifest else None,
            agent=agent,
            jobs=jobs,
            credentials=credentials,
        )

    def _agent(
        self, manifest: RepoManifest, raw: Any, team: str, name: str, manifest_path: Path
    ) -> AgentTemplate | None:
        config = manifest.agent
        relative = (config.dockerfile if config else None) or DOCKERFILE
        dockerfile_path = self.directory / relative
        if not _inside(dockerfile_path, self.directory):
            if config and config.dockerfile:
                self.fail(
                    f"agent.dockerfile {relative!r} is not inside the repository {self.rel}",
                    self.at(manifest_path, raw["agent"].positions.get("dockerfile")),
                    "give a path relative to the repository, without '..' or symlinks leaving it",
                )
            else:
                self.fail(
                    f"{DOCKERFILE} is a symlink to a file outside the repository {self.rel}",
                    self.at(dockerfile_path),
                    "keep the Dockerfile inside the repository",
                )
            return None
        if not dockerfile_path.is_file():
            if config is None:
                return None
            key = "dockerfile" if config.dockerfile else None
            position = raw["agent"].positions.get(key) if key else raw.positions.get("agent")
            self.fail(
                f"the agent's Dockerfile {relative!r} does not exist in {self.rel}",
                self.at(manifest_path, position),
                "add the Dockerfile, or set agent.dockerfile to its path in the repository",
            )
            return None
        try:
            info = parse_dockerfile(dockerfile_path)
        except InputError as exc:
            self.problems.extend(exc.problems)
            return None
        if info.user is not None and (reason := names.printable(info.user)) is not None:
            self.fail(
                f"USER {info.user!r} is not accepted: {reason}", Location(dockerfile_path, info.user_line)
            )
            return None
        labels = set(config.labels or ()) if config else set()
        if reserved := sorted(label for label in labels if tenancy.is_reserved(label)):
            self.fail(
                f"agent.labels: label {reserved[0]!r} is not accepted",
                self.at(manifest_path, raw["agent"].positions.get("labels")),
                tenancy.RESERVED_HINT,
            )
            return None
        from_dockerfile = self._dockerfile_labels(info)
        if from_dockerfile is None:
            return None  # already reported
        labels |= from_dockerfile
        if not labels:
            self.fail(
                "the agent template has no labels, so no job can ask for it",
                Location(dockerfile_path),
                f'add LABEL {AGENT_LABELS_KEY}="..." to the Dockerfile or agent.labels to {MANIFEST}',
            )
            return None
        if self.settings.drydock_label in labels and team not in self.settings.drydock_teams:
            self.fail(
                f"the label {self.settings.drydock_label!r} is reserved for DryDock agents (they get the "
                f"Docker socket): team {team!r} may not use it",
                self.at(manifest_path) if config else Location(dockerfile_path),
                "remove the label; jobs that build images set docker: true. Teams allowed: "
                + ", ".join(self.settings.drydock_teams)
                + " (farm.yml drydock.teams)",
            )
            return None
        image = config.image if config else None  # an explicit image was checked when read
        if image is None:
            image = _default_image(self.settings.registry, team, name)
            if (reason := names.image_name(image)) is not None:
                self.fail(
                    f"default image name {image!r} is not accepted: {reason}",
                    Location(self.directory),
                    f"set agent.image in {MANIFEST}",
                )
                return None
        connector = (config.connector if config else None) or self.settings.cloud.connector
        template_name = f"{team}-{name}"
        docker_socket = self.settings.drydock_label in labels
        shared = docker_socket or tenancy.is_shared(self.settings.tenancy, team, template_name)
        mode = (config.mode if config else None) or "exclusive"
        if mode == "normal" and not shared:
            self.fail(
                f"agent.mode normal: template {template_name!r} would also run every job without a label, "
                f"of any team; only a shared template may",
                self.at(manifest_path, raw["agent"].positions.get("mode")),
                "use mode: exclusive, or ask the platform team to share the template (farm.yml "
                "tenancy.shared_templates)",
            )
            return None
        return AgentTemplate(
            name=template_name,
            team=team,
            repo=str(self.rel),
            image=image,
            labels=frozenset({*labels, tenancy.team_atom(team)}),
            connector=connector,
            mode=mode,
            instance_cap=config.instance_cap if config else None,
            remote_fs=(config.remote_fs if config else None) or "/home/jenkins/agent",
            memory_mb=config.memory_mb if config else None,
            cpus=config.cpus if config else None,
            user=info.user,
            docker_socket=docker_socket,
            shared=shared,
            dockerfile=dockerfile_path,
            source=Location(manifest_path) if config else Location(dockerfile_path),
        )

    def _dockerfile_labels(self, info: DockerfileInfo) -> set[str] | None:
        """The labels of LABEL io.jenkins.agent.labels; None when they are not acceptable."""
        text = info.labels.get(AGENT_LABELS_KEY)
        if text is None:
            return set()
        where = Location(info.path, info.label_lines[AGENT_LABELS_KEY])
        try:
            atoms = parse_label_string(text, strict=True)
        except LabelSyntaxError as exc:
            self.fail(f"LABEL {AGENT_LABELS_KEY}: {exc}", where)
            return None
        bad = {atom: reason for atom in sorted(atoms) if (reason := names.label_atom(atom)) is not None}
        for atom, reason in bad.items():
            self.fail(f"LABEL {AGENT_LABELS_KEY}: label {atom!r} is not accepted: {reason}", where)
        for atom in sorted(atom for atom in atoms if tenancy.is_reserved(atom)):
            bad[atom] = tenancy.RESERVED_HINT
            self.fail(f"LABEL {AGENT_LABELS_KEY}: label {atom!r} is not accepted", where, bad[atom])
        return None if bad else set(atoms)

    def _job(
        self,
        config: JobConfig,
        raw_jobs: Any,
        index: int,
        team: str,
        repo: str,
        agent: AgentTemplate | None,
        manifest_path: Path,
    ) -> JobSpec | None:
        raw = raw_jobs[index]
        entry = self.at(manifest_path, raw_jobs.positions[index])
        label = self._job_label(config, raw, agent, entry, manifest_path, team)
        if label is None:
            return None
        if not self._credentials_ok(config.credentials or [], raw, manifest_path):
            return None
        if not self._steps_ok(config.name, config.steps or [], raw, manifest_path):
            return None
        git = config.git
        if git is not None and git.branch is None:
            git = attrs.evolve(git, branch=self.settings.default_branch)
        return JobSpec(
            team=team,
            name=config.name,
            repo=repo,
            description=config.description or "",
            git=git,
            label=label,
            steps=tuple(config.steps or ()),
            credentials=tuple(config.credentials or ()),
            docker=bool(config.docker),
            triggers=config.triggers or Triggers(),
            timeout_minutes=config.timeout_minutes or self.settings.default_timeout_minutes,
            source=entry,
            label_source=self.at(manifest_path, raw.positions["label"]) if "label" in raw else entry,
            credential_sources=tuple(
                _item_location(manifest_path, raw, "credentials", i)
                for i in range(len(config.credentials or ()))
            ),
            git_credentials_source=self.at(manifest_path, raw["git"].positions.get("credentials"))
            if git is not None and git.credentials
            else None,
        )

    def _job_label(
        self,
        config: JobConfig,
        raw: Any,
        agent: AgentTemplate | None,
        entry: Location,
        manifest_path: Path,
        team: str,
    ) -> str | None:
        """The label the job runs on: its own (or its agent's labels), DryDock and team added."""
        drydock = Atom(self.settings.drydock_label)
        text = config.label
        if text is None and not config.docker and agent is None:
            self.fail(
                f"job {config.name!r} has no label and this repository provides no agent",
                entry,
                "set the job's label, or add a Dockerfile to the repository",
            )
            return None
        if text is None:
            own = sorted(atom for atom in agent.labels if not tenancy.is_reserved(atom)) if agent else []
            default = " && ".join(map(quote_atom, own))
            expression = drydock if config.docker else LabelExpression.parse(default)
        else:
            where = self.at(manifest_path, raw.positions["label"])
            try:
                expression = LabelExpression.parse(text)
            except LabelSyntaxError as exc:
                self.fail(f"job {config.name!r}: bad label: {exc}", where)
                return None
            if reserved := sorted(atom for atom in expression.atoms if tenancy.is_reserved(atom)):
                message = f"job {config.name!r}: label {reserved[0]!r} is not accepted"
                self.fail(message, where, tenancy.RESERVED_HINT)
                return None
            if config.docker:
                expression = And(drydock, expression)
        binds = bool(config.credentials) or bool(config.git and config.git.credentials)
        if tenancy.isolated(self.settings.tenancy, binds_credentials=binds):
            expression = tenancy.with_team(expression, team)
        return expression.canonical()

    def _steps_ok(self, job: str, steps: list[str], raw: Any, manifest_path: Path) -> bool:
        """A step's ``#!`` line counts only as its first line (Jenkins' ``sh`` looks there alone)."""
        ok = True
        for index, step in enumerate(steps):
            first = step.lstrip().partition("\n")[0]
            if first.startswith("#!") and not step.startswith("#!"):
                ok = False
                self.fail(
                    f"job {job!r}: steps[{index}]: the interpreter line {first!r} is not the first line of "
                    "the step, so Jenkins would run the step with /bin/sh and read that line as a comment",
                    self.at(manifest_path, raw["steps"].positions[index]),
                    "start the step with its #! line (no blank line or space before it)",
                )
        return ok

    def _credentials_ok(self, bindings: list[CredentialBinding], raw: Any, manifest_path: Path) -> bool:
        ok = True
        seen: dict[str, str] = {}
        for index, binding in enumerate(bindings):
            where = self.at(manifest_path, raw["credentials"].positions[index])
            required, optional = CredentialBinding.SHAPES[binding.type]
            for field in required:
                if getattr(binding, field) is None:
                    ok = False
                    self.fail(f"credential {binding.id!r} of type {binding.type} needs {field}", where)
            for field in (
                "variable",
                "username_variable",
                "password_variable",
                "passphrase_variable",
            ):
                if field not in required + optional and getattr(binding, field) is not None:
                    ok = False
                    accepted = ", ".join(required + optional)
                    self.fail(
                        f"credential {binding.id!r} of type {binding.type} does not take {field}",
                        where,
                        f"accepted for {binding.type}: {accepted}",
                    )
            for variable in binding.variables:
                if variable in seen:
                    ok = False
                    self.fail(
                        f"variable {variable} is bound twice (credentials {seen[variable]!r} "
                        f"and {binding.id!r})",
                        where,
                    )
                seen[variable] = binding.id
        return ok


def _default_image(registry: str | None, team: str, repo: str) -> str:
    path = f"{team}/{repo}".lower()
    return f"{registry}/{path}" if registry else path


#: Farms with at least this many repositories are read by several processes.
PARALLEL_THRESHOLD = 200


#: Repositories per task handed to a worker: small enough to keep both cores busy to the end.
CHUNK_SIZE = 100


def _load_repos(
    root: Path,
    rels: Iterator[Path],
    settings: FarmSettings,
    problems: list[Problem],
    workers: int,
    each_chunk: Callable[[list[TeamRepo]], T],
) -> tuple[list[TeamRepo], list[T]]:
    """Read every repository, in several processes for a large farm, keeping farm order.

    Chunks are handed out while the farm is still being walked, so the walk overlaps with
    the workers' start and work. Workers are forked, so that they start with every module
    this process imported, unless this process has loaded the Dockerfile parser: it is a Go
    library, and a Go runtime does not survive fork (a forked child may hang). Then they
    are spawned, and each imports the SDK itself.
    """
    first = list(islice(rels, PARALLEL_THRESHOLD))
    count = workers or (min(os.cpu_count() or 1, 8) if len(first) >= PARALLEL_THRESHOLD else 1)
    if count < 2:
        chunks = [_load_chunk(root, [*first, *rels], settings, each_chunk)]
    else:
        start = "spawn" if go_runtime_loaded() or not hasattr(os, "fork") else "fork"
        with ProcessPoolExecutor(count, mp_context=multiprocessing.get_context(start)) as pool:
            try:
                futures = [
                    pool.submit(_load_chunk, root, part, settings, each_chunk)
                    for part in _batches(chain(first, rels), CHUNK_SIZE)
                ]
                chunks = [future.result() for future in futures]
            except BaseException:  # Ctrl-C or a failed chunk: do not read the rest first
                pool.shutdown(wait=True, cancel_futures=True)  # only the chunks already started
                raise
    repos: list[TeamRepo] = []
    results: list[T] = []
    for chunk_repos, chunk_problems, chunk_result in chunks:
        repos.extend(chunk_repos)
        problems.extend(chunk_problems)
        if chunk_result is not None:
            results.append(chunk_result)
    return repos, results


def _batches(items: Iterable[Path], size: int) -> Iterator[list[Path]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _load_chunk(
    root: Path, rels: list[Path], settings: FarmSettings, each_chunk: Callable[[list[TeamRepo]], T]
) -> tuple[list[TeamRepo], list[Problem], T | None]:
    problems: list[Problem] = []
    with gc_paused():
        repos = [repo for rel in rels if (repo := _load_repo(root, rel, settings, problems))]
        return repos, problems, None if problems else each_chunk(repos)


def _load_repo(root: Path, rel: Path, settings: FarmSettings, problems: list[Problem]) -> TeamRepo | None:
    """One repository; an input error that escapes its reader is its problem, not the farm's end."""
    try:
        return _RepoReader(root, rel, settings, problems).load()
    except InputError as exc:
        problems.extend(exc.problems)
        return None


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a batch of acyclic models is built.

    Reading a large farm allocates millions of small objects that all survive; the
    collector would scan them again and again (measured: 11% of the CPU time of reading
    a 25,000-job farm in one process). It is switched back on afterwards if it was on before; the few
    cycles made meanwhile are collected then.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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


def _bind(repos: list[TeamRepo], problems: list[Problem]) -> tuple[dict[str, tuple[str, ...]], list[str]]:
    """Each job's templates, first match first; label errors become problems, warnings lines."""
    report = analyse_labels(repos)
    problems.extend(report.problems())
    return dict(report.bindings), report.warning_lines()


use_farm_reader(lambda root, workers: load_farm(root, workers=workers))  # Farm.from_path reads with it
