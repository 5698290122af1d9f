"""``jds apply`` as a library call: read, plan, write, report.

One bulk read of the controller, the reads of ``config.xml`` the plan needs (none when
nothing changed), then only the writes that make a difference. Nothing is written until
every read succeeded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.apply.desired import CLOUD_SCRIPT, read_output
from jenkins_docker_sdk.apply.execute import Outcome, Progress, execute, run_all
from jenkins_docker_sdk.apply.marker import read_marker
from jenkins_docker_sdk.apply.plan import Options, Plan, configs_to_read, make_plan, missing_teams
from jenkins_docker_sdk.clients import JenkinsAPI
from jenkins_docker_sdk.errors import InputError, JenkinsError
from jenkins_docker_sdk.model import Location
from jenkins_docker_sdk.render import Renderer

DEFAULT_CONCURRENCY = 8


@attrs.frozen
class ScriptOutcome:
    """What became of the Groovy cloud script.

    Attributes:
        output: what the script printed, when it ran.
        error: why it did not run or failed; ``None`` when it ran.
    """

    output: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        """Whether the script ran without error."""
        return self.error is None


@attrs.frozen(kw_only=True)
class ApplyResult:
    """What ``jds apply`` decided and did.

    Attributes:
        jenkins: the controller's URL.
        out: the render output applied.
        options: prune, force and verify as given.
        dry_run: whether nothing was to be written.
        plan: the plan (in a dry run, what would be done).
        outcomes: one per write of the plan, in plan order (empty in a dry run).
        halted: why the writes stopped early, if they did.
        cloud_script: what became of the cloud script, when it was asked for.
        unmanaged: how many items on the controller carry no marker and are not
            rendered (never touched).
        edited: files of ``out`` edited after the render and pushed anyway (``allow_edited``).
    """

    jenkins: str
    out: Path
    options: Options
    dry_run: bool
    plan: Plan
    outcomes: tuple[Outcome, ...] = ()
    halted: str | None = None
    cloud_script: ScriptOutcome | None = None
    unmanaged: int = 0
    edited: tuple[str, ...] = ()

    @property
    def not_applied(self) -> tuple[Outcome, ...]:
        """The writes that did not happen, with why."""
        return tuple(outcome for outcome in self.outcomes if not outcome.applied)

    @property
    def kept_teams(self) -> list[str]:
        """Teams whose managed jobs ``prune`` kept: the render has no repository of theirs."""
        return missing_teams(self.plan)

    @property
    def ok(self) -> bool:
        """Whether every planned write and the cloud script (if asked for) succeeded."""
        return not self.not_applied and (self.cloud_script is None or self.cloud_script.ok)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        outcomes = {outcome.step.name: outcome for outcome in self.outcomes}
        steps = []
        for step in self.plan.steps:
            entry: dict[str, Any] = step.to_dict()
            if step.name in outcomes:
                outcome = outcomes[step.name]
                entry.update(applied=outcome.applied, error=outcome.error, sent=outcome.sent)
            steps.append(entry)
        return {
            "jenkins": self.jenkins,
            "out": str(self.out),
            "dry_run": self.dry_run,
            "options": attrs.asdict(self.options),
            "ok": self.ok,
            "summary": self.plan.summary(),
            "unmanaged": self.unmanaged,
            "steps": steps,
            "not_applied": [{"name": o.step.name, "error": o.error} for o in self.not_applied],
            "kept_teams": self.kept_teams,
            "edited": list(self.edited),
            "halted": self.halted,
            "cloud_script": attrs.asdict(self.cloud_script) if self.cloud_script else None,
        }


def apply_output(
    out: Path,
    client: JenkinsAPI,
    *,
    dry_run: bool = False,
    prune: bool = False,
    force: bool = False,
    verify: bool = False,
    prune_teams: tuple[str, ...] = (),
    allow_edited: bool = False,
    cloud_script: bool = False,
    concurrency: int = DEFAULT_CONCURRENCY,
    progress: Progress | None = None,
    renderer: Renderer | None = None,
) -> ApplyResult:
    """Bring the controller in line with a ``jds render`` output directory.

    Args:
        out: the directory ``jds render`` wrote.
        client: the controller (a :class:`~jenkins_docker_sdk.clients.JenkinsClient`).
        dry_run: plan only; send no write.
        prune: delete managed jobs (and emptied managed folders) no longer rendered, except
            those of a team the render has no repository of (see ``prune_teams``).
        force: overwrite, or with ``prune`` delete, items edited on the controller.
        verify: read every managed job's ``config.xml`` to find hand edits of jobs that
            are otherwise unchanged (one request per job).
        prune_teams: teams whose managed jobs ``prune`` deletes although the render has no
            repository of the team (a team retired on purpose).
        allow_edited: push files edited after the render (listed in the result's
            ``edited``) instead of refusing them.
        cloud_script: also run ``groovy/clouds.groovy`` through the script console.
        concurrency: how many requests may be under way at once.
        progress: told about the reads and writes, to show progress.
        renderer: renders the team folders (its templates are used).

    Returns:
        The plan and, unless ``dry_run``, the outcome of every write.

    Raises:
        InputError: ``out`` is not a ``jds render`` output, or a file it would push was
            edited after the render (unless ``allow_edited``); nothing was sent.
        JenkinsError: the controller could not be read; nothing was written.
    """
    desired = read_output(out, renderer, allow_edited=allow_edited, cloud_script=cloud_script)
    if cloud_script and desired.cloud_script is None:
        raise InputError.at(f"there is no {CLOUD_SCRIPT} to run", Location(out / CLOUD_SCRIPT))
    options = Options(prune=prune, force=force, verify=verify, prune_teams=prune_teams)
    remote = client.list_items(desired.depth)
    configs = _read_configs(client, configs_to_read(desired, remote, options), concurrency, progress)
    plan = make_plan(desired, remote, configs, options)
    rendered = {item.name for item in (*desired.jobs, *desired.folders)}
    result = ApplyResult(
        jenkins=client.url,
        out=out,
        options=options,
        dry_run=dry_run,
        plan=plan,
        unmanaged=sum(1 for i in remote if i.name not in rendered and read_marker(i.description) is None),
        edited=desired.edited,
    )
    if dry_run:
        return result
    execution = execute(plan, client, concurrency=concurrency, progress=progress)
    script = None
    if cloud_script and desired.cloud_script is not None:
        script = _run_script(client, desired.cloud_script, execution.halted)
    return attrs.evolve(result, outcomes=execution.outcomes, halted=execution.halted, cloud_script=script)


def _read_configs(
    client: JenkinsAPI, names: list[str], concurrency: int, progress: Progress | None
) -> dict[str, str]:
    """The ``config.xml`` of each item named, read concurrently; any failure ends the run."""

    def read(name: str) -> tuple[str, str]:
        return name, client.get_config(name)

    return dict(run_all(names, read, concurrency, progress, "reading config.xml"))


def _run_script(client: JenkinsAPI, script: str, halted: str | None) -> ScriptOutcome:
    if halted is not None:
        return ScriptOutcome(None, f"not run: {halted}")
    try:
        return ScriptOutcome(client.run_script(script), None)
    except JenkinsError as error:
        return ScriptOutcome(None, str(error))
