"""Deciding what to write: the rendered output against one bulk read of the controller.

Pure functions, no I/O. :func:`configs_to_read` says which ``config.xml`` files must be
read before deciding (jobs about to be overwritten or deleted, and with ``verify`` every
managed job); :func:`make_plan` decides with those in hand.

How a rendered job is judged from the bulk read (name and description of every item):

=========================================  ===========================================
on the controller                          plan
=========================================  ===========================================
nothing                                    create
no marker in the description               drifted (made or edited by hand)
marker without a hash (Job DSL seed)       update
marker hash = rendered hash, same          unchanged (``verify``: read config.xml,
description                                drifted if it no longer matches the hash)
marker hash = rendered hash, other         drifted (description edited by hand)
description
marker hash != rendered hash               read config.xml: it matches the hash it
                                           claims -> update; else drifted
=========================================  ===========================================

``force`` turns every drifted job into an update without reading anything first (except
with ``verify``, which still reads, to report). A managed job that is no longer rendered
is stale; with ``prune`` it is deleted, after the same check. Team folders are created
when missing, never updated, and deleted (``prune``) only when they carry the marker,
still match their hash, and every item in them is being deleted.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import attrs

from jenkins_docker_sdk.apply.desired import Desired, DesiredItem
from jenkins_docker_sdk.apply.marker import Marker, config_hash, read_marker, unstamped
from jenkins_docker_sdk.clients import RemoteItem

Kind = Literal["job", "folder"]

_EDITED = "its config.xml was edited on the controller after jds applied it"
_NO_MARKER = "it is on the controller without the jds marker (made by hand, or its description was edited)"


class Action(str, enum.Enum):
    """What happens to an item."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    UNCHANGED = "unchanged"
    DRIFTED = "drifted"  # edited on the controller: left alone (without --force)
    STALE = "stale"  # managed, no longer rendered: kept (without --prune)

    @property
    def writes(self) -> bool:
        """Whether the action sends a request that changes the controller."""
        return self in (Action.CREATE, Action.UPDATE, Action.DELETE)


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(names)))


@attrs.frozen(kw_only=True)
class Options:
    """How far ``jds apply`` may go.

    Attributes:
        prune: delete managed items that are no longer rendered.
        force: overwrite (or, with ``prune``, delete) items edited on the controller.
        verify: read the ``config.xml`` of every managed job, not only of those about to
            be written, so that hand edits of unchanged jobs are found too.
        prune_teams: teams whose managed jobs ``prune`` may delete although the render
            has no repository of the team at all (without it, they are kept: a team that
            vanished from a render was more likely unreadable or mislaid than retired).
    """

    prune: bool = False
    force: bool = False
    verify: bool = False
    prune_teams: tuple[str, ...] = attrs.field(default=(), converter=_sorted_names)


@attrs.frozen(kw_only=True)
class Step:
    """One item of the plan.

    Attributes:
        name: the item's full name.
        kind: ``job`` or ``folder``.
        action: what happens to it.
        reason: why, in words.
        drift: how the item was edited on the controller, when it was (also when
            ``force`` overwrites it); ``None`` otherwise.
        config_xml: what is sent for a create or update.
        hash: the content hash of the rendered item (``None`` for stale ones).
        remote_hash: the hash the item on the controller claims, if any.
    """

    name: str
    kind: Kind
    action: Action
    reason: str
    drift: str | None = None
    config_xml: str | None = attrs.field(default=None, repr=False)
    hash: str | None = None
    remote_hash: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The step as JSON-ready data (without the config)."""
        return {
            "name": self.name,
            "kind": self.kind,
            "action": self.action.value,
            "reason": self.reason,
            "drift": self.drift,
            "hash": self.hash,
            "remote_hash": self.remote_hash,
        }


@attrs.frozen
class Plan:
    """Every step, folders to create first, then jobs by name, then what is deleted."""

    steps: tuple[Step, ...]

    def count(self, action: Action, kind: Kind = "job") -> int:
        """How many items of ``kind`` get ``action``."""
        return sum(1 for step in self.steps if step.action is action and step.kind == kind)

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts per action, for jobs and for folders."""
        return {kind: {a.value: self.count(a, kind) for a in Action} for kind in ("job", "folder")}

    @property
    def writes(self) -> tuple[Step, ...]:
        """The steps that change the controller."""
        return tuple(step for step in self.steps if step.action.writes)


@attrs.frozen
class _Check:
    """A decision that waits for an item's config.xml: it must still match ``claimed``."""

    claimed: str
    action: Action
    reason: str


def configs_to_read(desired: Desired, remote: Sequence[RemoteItem], options: Options) -> list[str]:
    """The items whose ``config.xml`` must be read before :func:`make_plan` can decide."""
    return sorted(
        name for name, decision in _draft(desired, remote, options).items() if isinstance(decision, _Check)
    )


def make_plan(
    desired: Desired, remote: Sequence[RemoteItem], configs: Mapping[str, str], options: Options
) -> Plan:
    """The plan, given the bulk read and the ``config.xml`` of every item :func:`configs_to_read` named.

    Raises:
        KeyError: a config that :func:`configs_to_read` asked for is missing.
    """
    by_name = {item.name: item for item in remote}
    rendered = {item.name: item for item in (*desired.folders, *desired.jobs)}
    steps: dict[str, Step] = {}
    for name, decision in _draft(desired, remote, options).items():
        item, source = by_name.get(name), rendered.get(name)
        marker = read_marker(item.description) if item else None
        action, reason, drift = (
            _checked(decision, configs[name], options) if isinstance(decision, _Check) else decision
        )
        folder = source.folder if source else item is not None and item.folder
        steps[name] = Step(
            name=name,
            kind="folder" if folder else "job",
            action=action,
            reason=reason,
            drift=drift,
            config_xml=source.config_xml if source else None,
            hash=source.hash if source else None,
            remote_hash=marker.hash if marker else None,
        )
    _settle_folders(steps, by_name, options)
    return Plan(tuple(sorted(steps.values(), key=_order)))


_Decision = tuple[Action, str, str | None]  # action, reason, drift


def _draft(desired: Desired, remote: Sequence[RemoteItem], options: Options) -> dict[str, _Decision | _Check]:
    """Every decision the bulk read allows; ``_Check`` where a config.xml must be read."""
    by_name = {item.name: item for item in remote}
    decisions: dict[str, _Decision | _Check] = {}
    for folder in desired.folders:
        decisions[folder.name] = _folder(folder, by_name.get(folder.name))
    for job in desired.jobs:
        decisions[job.name] = _job(job, by_name, options)
    rendered = {item.name for item in (*desired.folders, *desired.jobs)}
    for item in remote:
        marker = read_marker(item.description)
        if item.name in rendered or marker is None:
            continue  # rendered, or not ours: never touched
        team = item.name.partition("/")[0]
        if options.prune and team not in desired.teams and team not in options.prune_teams:
            decisions[item.name] = _team_missing(item, team)
        else:
            decisions[item.name] = _stale(item, marker, options)
    return decisions


def missing_teams(plan: Plan) -> list[str]:
    """Teams whose managed items were kept because the render has none of their repositories."""
    return sorted(
        {step.name.partition("/")[0] for step in plan.steps if step.reason.startswith(_TEAM_MISSING)}
    )


_TEAM_MISSING = "managed, no longer rendered, but the render has no repository of team"


def _team_missing(item: RemoteItem, team: str) -> _Decision:
    return Action.STALE, f"{_TEAM_MISSING} {team}: kept (--prune-team {team} deletes it)", None


def _folder(folder: DesiredItem, item: RemoteItem | None) -> _Decision:
    if item is None:
        return Action.CREATE, "the team's folder is not on the controller", None
    if not item.folder:
        return (
            Action.DRIFTED,
            "an item that is not a folder has the team's name; rename or delete it",
            "not a folder",
        )
    return Action.UNCHANGED, "the folder exists (folders are never rewritten)", None


def _job(job: DesiredItem, by_name: Mapping[str, RemoteItem], options: Options) -> _Decision | _Check:
    parent = job.name.rpartition("/")[0]
    container = by_name.get(parent)
    if container is not None and not container.folder:
        return (
            Action.DRIFTED,
            f"{parent} on the controller is not a folder; rename or delete it",
            "not a folder",
        )
    item = by_name.get(job.name)
    if item is None:
        return Action.CREATE, "not on the controller", None
    if item.folder:
        return Action.DRIFTED, "a folder of this name is on the controller; rename or delete it", "a folder"
    marker = read_marker(item.description)
    if marker is None:
        return _drifted(_NO_MARKER, options)
    if marker.hash is None:
        return Action.UPDATE, "managed, but without a content hash (made by the Job DSL seed?)", None
    if marker.hash == job.hash:
        if unstamped(item.description or "") != job.description:
            return _drifted("its description was edited on the controller", options)
        if options.verify:
            return _Check(marker.hash, Action.UNCHANGED, "matches the rendered configuration (verified)")
        return Action.UNCHANGED, "matches the rendered configuration", None
    if options.force and not options.verify:
        return Action.UPDATE, "the rendered configuration changed (--force: not checked for hand edits)", None
    return _Check(marker.hash, Action.UPDATE, "the rendered configuration changed")


def _stale(item: RemoteItem, marker: Marker, options: Options) -> _Decision | _Check:
    what = "folder" if item.folder else "job"
    if not options.prune:
        return Action.STALE, f"managed {what}, no longer rendered: kept (--prune deletes it)", None
    if item.folder:  # decided in _settle_folders, once its items are
        if marker.hash is None or (options.force and not options.verify):
            return Action.DELETE, "no longer rendered", None
        return _Check(marker.hash, Action.DELETE, "no longer rendered")
    if marker.hash is None:
        return Action.DELETE, "managed, no longer rendered", None
    if options.force and not options.verify:
        return Action.DELETE, "managed, no longer rendered (--force: not checked for hand edits)", None
    return _Check(marker.hash, Action.DELETE, "managed, no longer rendered")


def _checked(check: _Check, config_xml: str, options: Options) -> _Decision:
    """The decision once the item's config.xml is known."""
    try:
        intact = config_hash(config_xml) == check.claimed
    except ValueError:
        intact = False
    if intact:
        return check.action, check.reason, None
    if check.action is Action.DELETE:
        if options.force:
            return Action.DELETE, "no longer rendered; hand edits deleted too (--force)", _EDITED
        return (
            Action.DRIFTED,
            "no longer rendered, but edited by hand: not deleted (--force deletes it)",
            _EDITED,
        )
    return _drifted(_EDITED, options)


def _drifted(drift: str, options: Options) -> _Decision:
    if options.force:
        return Action.UPDATE, f"{drift}; overwritten (--force)", drift
    return Action.DRIFTED, f"{drift}; left alone (--force overwrites it)", drift


def _settle_folders(steps: dict[str, Step], by_name: Mapping[str, RemoteItem], options: Options) -> None:
    """Keep a stale folder marked for deletion unless everything in it goes too."""
    for name, step in list(steps.items()):
        if step.kind != "folder" or step.action is not Action.DELETE:
            continue
        inside = [item for item in by_name if item.startswith(name + "/")]
        kept = [
            child for child in inside if steps.get(child) is None or steps[child].action is not Action.DELETE
        ]
        if kept:
            steps[name] = attrs.evolve(
                step, action=Action.STALE, reason=f"no longer rendered, but it still holds {kept[0]}: kept"
            )


def _order(step: Step) -> tuple[int, str]:
    if step.action is Action.DELETE:
        return (3 if step.kind == "folder" else 2), step.name
    return (0 if step.kind == "folder" else 1), step.name
