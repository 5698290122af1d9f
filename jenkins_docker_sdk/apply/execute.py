"""Carrying out a plan: bounded concurrent writes, one request each.

Each write replaces one item whole (``createItem``, a ``config.xml`` post, ``doDelete``),
which the controller applies atomically, so a run that fails part-way leaves every item
either as it was or as rendered; a later run plans again from what is there. Folders are
created before the jobs in them and deleted after them. An authentication failure or a
controller that stops answering halts the run: what was not sent yet is reported as not
applied rather than tried item after item.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Protocol, TypeVar

import attrs

from jenkins_docker_sdk.apply.plan import Action, Plan, Step
from jenkins_docker_sdk.clients import JenkinsJobs
from jenkins_docker_sdk.errors import (
    JenkinsAuthError,
    JenkinsConnectionError,
    JenkinsError,
    JenkinsNotFoundError,
)

_T = TypeVar("_T")
_R = TypeVar("_R")


class Progress(Protocol):
    """Told about long phases, to show progress on a terminal."""

    def begin(self, label: str, total: int) -> None:
        """A phase of ``total`` items starts."""

    def advance(self) -> None:
        """One more item of the phase is done."""

    def end(self) -> None:
        """The phase is over."""


@attrs.frozen
class Outcome:
    """What became of one step.

    Attributes:
        step: the step.
        error: why it was not applied; ``None`` when it was.
        sent: whether its request was sent at all.
    """

    step: Step
    error: str | None = None
    sent: bool = True

    @property
    def applied(self) -> bool:
        """Whether the controller now holds what the step asked for."""
        return self.error is None


@attrs.frozen
class Execution:
    """The outcome of every write of a plan.

    Attributes:
        outcomes: one per write, in plan order.
        halted: why the run stopped early, if it did.
    """

    outcomes: tuple[Outcome, ...]
    halted: str | None


def execute(
    plan: Plan, client: JenkinsJobs, *, concurrency: int = 8, progress: Progress | None = None
) -> Execution:
    """Send the writes of ``plan``, at most ``concurrency`` at a time."""
    runner = _Runner(client)
    writes = plan.writes
    failed: set[str] = set()

    def blocked(step: Step) -> Outcome | None:
        """``step`` not sent, if something it depends on failed."""
        if step.action is Action.DELETE:
            inside = next((name for name in sorted(failed) if name.startswith(step.name + "/")), None)
            reason = f"{inside} in it could not be deleted" if inside else None
        else:
            parent = step.name.rpartition("/")[0]
            reason = f"its folder {parent} could not be created" if parent in failed else None
        return Outcome(step, f"not sent: {reason}", sent=False) if reason else None

    phases = (
        ("creating folders", [s for s in writes if s.kind == "folder" and s.action is not Action.DELETE]),
        ("writing jobs", [s for s in writes if s.kind == "job" and s.action is not Action.DELETE]),
        ("deleting jobs", [s for s in writes if s.kind == "job" and s.action is Action.DELETE]),
        ("deleting folders", [s for s in writes if s.kind == "folder" and s.action is Action.DELETE]),
    )
    outcomes: dict[str, Outcome] = {}
    for label, steps in phases:
        for outcome in run_all(steps, runner.write, concurrency, progress, label, skip=blocked):
            outcomes[outcome.step.name] = outcome
            if not outcome.applied:
                failed.add(outcome.step.name)
    return Execution(tuple(outcomes[step.name] for step in writes), runner.halted)


def run_all(
    items: Sequence[_T],
    work: Callable[[_T], _R],
    concurrency: int,
    progress: Progress | None,
    label: str,
    skip: Callable[[_T], _R | None] | None = None,
) -> Iterable[_R]:
    """``work`` on every item, ``concurrency`` at a time; results as they come.

    ``skip`` may answer for an item instead of ``work``.
    """
    if not items:
        return
    if progress:
        progress.begin(label, len(items))
    try:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            futures = []
            for item in items:
                answer = skip(item) if skip else None
                if answer is not None:
                    if progress:
                        progress.advance()
                    yield answer
                    continue
                futures.append(pool.submit(work, item))
            for future in as_completed(futures):
                if progress:
                    progress.advance()
                yield future.result()
    finally:
        if progress:
            progress.end()


@attrs.define
class _Runner:
    """Sends single writes; stops sending once the controller cannot be talked to."""

    client: JenkinsJobs
    halted: str | None = None
    _lock: threading.Lock = attrs.field(factory=threading.Lock)

    def write(self, step: Step) -> Outcome:
        if self.halted is not None:
            return Outcome(step, f"not sent: {self.halted}", sent=False)
        try:
            if step.action is Action.DELETE:
                self.client.delete_item(step.name)
            elif step.action is Action.CREATE:
                self.client.create_item(step.name, _config(step))
            else:
                self.client.update_config(step.name, _config(step))
        except JenkinsNotFoundError as error:
            if step.action is Action.DELETE:
                return Outcome(step)  # already gone (a retried delete whose first attempt arrived)
            return Outcome(step, str(error))
        except (JenkinsAuthError, JenkinsConnectionError) as error:
            with self._lock:
                if self.halted is None:
                    self.halted = f"the run stopped after: {error}"
            return Outcome(step, str(error))
        except JenkinsError as error:
            return Outcome(step, str(error))
        return Outcome(step)


def _config(step: Step) -> str:
    if step.config_xml is None:  # pragma: no cover - make_plan sets it for every create and update
        raise ValueError(f"{step.name}: nothing to write")
    return step.config_xml
