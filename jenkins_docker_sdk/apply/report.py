"""``jds apply`` results as text: a table of what changes, a summary, what failed."""

from __future__ import annotations

from jenkins_docker_sdk.apply.plan import Action, Plan
from jenkins_docker_sdk.apply.sync import ApplyResult

SHOWN_STEPS = 40  # table rows at most; --json lists every step

_PAST = {Action.CREATE: "created", Action.UPDATE: "updated", Action.DELETE: "deleted"}
_FUTURE = {Action.CREATE: "to create", Action.UPDATE: "to update", Action.DELETE: "to delete"}


def table(result: ApplyResult, limit: int = SHOWN_STEPS) -> str:
    """Every step except unchanged ones, one per row (at most ``limit`` rows)."""
    steps = [step for step in result.plan.steps if step.action is not Action.UNCHANGED]
    if not steps:
        return "  (nothing to change)"
    failed = {outcome.step.name for outcome in result.not_applied}
    width = max(len(step.name) for step in steps[:limit])
    rows = [f"  {'ACTION':<10}{'KIND':<8}{'NAME':<{width}}  REASON"]
    rows += [
        f"  {step.action.value:<10}{step.kind:<8}{step.name:<{width}}  {step.reason}"
        + (" - NOT APPLIED" if step.name in failed else "")
        for step in steps[:limit]
    ]
    if len(steps) > limit:
        rows.append(f"  ... and {len(steps) - limit} more: see --json")
    return "\n".join(rows)


def summary(result: ApplyResult) -> str:
    """One line: what the plan holds (dry run) or what was done."""
    plan = result.plan
    done = {o.step.name for o in result.outcomes if o.applied}
    if result.dry_run:
        jobs = [f"{plan.count(a)} {_FUTURE[a]}" for a in (Action.CREATE, Action.UPDATE, Action.DELETE)]
    else:
        jobs = [
            f"{_done(plan, a, 'job', done)} {_PAST[a]}" for a in (Action.CREATE, Action.UPDATE, Action.DELETE)
        ]
    jobs += [f"{plan.count(a)} {a.value}" for a in (Action.UNCHANGED, Action.DRIFTED, Action.STALE)]
    text = "jobs: " + ", ".join(jobs)
    folders = [
        f"{(plan.count(a, 'folder') if result.dry_run else _done(plan, a, 'folder', done))} "
        f"{(_FUTURE if result.dry_run else _PAST)[a]}"
        for a in (Action.CREATE, Action.DELETE)
        if plan.count(a, "folder")
    ]
    if folders:
        text += "; folders: " + ", ".join(folders)
    if result.unmanaged:
        items = "item" if result.unmanaged == 1 else "items"
        text += f"; {result.unmanaged} {items} not managed by jds left alone"
    return text


def failures(result: ApplyResult) -> list[str]:
    """One line per write that did not happen, and one for a failed cloud script."""
    lines = [f"{o.step.name} ({o.step.action.value}): {o.error}" for o in result.not_applied]
    if result.cloud_script is not None and result.cloud_script.error is not None:
        lines.append(f"cloud script: {result.cloud_script.error}")
    return lines


def _done(plan: Plan, action: Action, kind: str, done: set[str]) -> int:
    return sum(1 for s in plan.steps if s.action is action and s.kind == kind and s.name in done)
