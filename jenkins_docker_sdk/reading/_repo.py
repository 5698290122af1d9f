"""One team repository: its manifest and Dockerfile read into a template and jobs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.errors import InputError, LabelSyntaxError
from jenkins_docker_sdk.labels import (
    LabelExpression,
    job_label,
    parse_label_string,
    tenancy,
)
from jenkins_docker_sdk.model import (
    AgentTemplate,
    Credential,
    CredentialBinding,
    FarmSettings,
    JobSpec,
    Location,
    Problem,
    TeamRepo,
    Triggers,
    names,
)
from jenkins_docker_sdk.reading import _teams as teams
from jenkins_docker_sdk.reading._dockerfile import (
    AGENT_LABELS_KEY,
    DockerfileInfo,
    parse_dockerfile,
)
from jenkins_docker_sdk.reading._manifest import JobConfig, RepoManifest, read
from jenkins_docker_sdk.reading._paths import inside as _inside
from jenkins_docker_sdk.reading._settings import item_location
from jenkins_docker_sdk.reading._walk import DOCKERFILE, MANIFEST
from jenkins_docker_sdk.reading._yaml import load_yaml


@attrs.define
class RepoReader:
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
        team, origin = teams.team_of(self.settings.tenancy, self.rel)
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
                source=item_location(manifest_path, raw, "credentials", index),
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
        shared = docker_socket or teams.is_shared(self.settings.tenancy, team, template_name)
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
                item_location(manifest_path, raw, "credentials", i)
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
    ) -> LabelExpression | None:
        """The label the job runs on: its own (or its agent's labels), DryDock and team added."""
        if config.label is None and not config.docker and agent is None:
            self.fail(
                f"job {config.name!r} has no label and this repository provides no agent",
                entry,
                "set the job's label, or add a Dockerfile to the repository",
            )
            return None
        asked = None
        if config.label is not None:
            where = self.at(manifest_path, raw.positions["label"])
            try:
                asked = LabelExpression.parse(config.label)
            except LabelSyntaxError as exc:
                self.fail(f"job {config.name!r}: bad label: {exc}", where)
                return None
            if reserved := sorted(atom for atom in asked.atoms if tenancy.is_reserved(atom)):
                message = f"job {config.name!r}: label {reserved[0]!r} is not accepted"
                self.fail(message, where, tenancy.RESERVED_HINT)
                return None
        binds = bool(config.credentials) or bool(config.git and config.git.credentials)
        isolated = teams.isolated(self.settings.tenancy, binds_credentials=binds)
        return job_label(
            asked,
            own_labels=agent.labels if agent else (),
            docker=bool(config.docker),
            drydock_label=self.settings.drydock_label,
            team=team if isolated else None,
        )

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
