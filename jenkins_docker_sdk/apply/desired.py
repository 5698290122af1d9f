"""What the controller should hold, read from a ``jds render`` output directory.

The jobs are the ones ``report.json`` lists, each from ``jobs/<team>/<job>.config.xml``
with its marker stamped (:mod:`~jenkins_docker_sdk.apply.marker`); the folders are the
jobs' teams, rendered here; the Groovy cloud script is ``groovy/clouds.groovy``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.apply.marker import stamp
from jenkins_docker_sdk.apply.recorded import RecordedFiles
from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location, names
from jenkins_docker_sdk.render import REPORT, Renderer

CLOUD_SCRIPT = "groovy/clouds.groovy"
_GENERATOR = "jenkins-docker-sdk"


@attrs.frozen
class DesiredItem:
    """A job or folder as it should be on the controller.

    Attributes:
        name: the full name (``teamA/web-build``; a folder: ``teamA``).
        folder: whether this is a folder.
        config_xml: the ``config.xml`` to send, marker stamped.
        hash: the content hash stamped into it.
        description: its description, marker unstamped.
    """

    name: str
    folder: bool
    config_xml: str = attrs.field(repr=False)
    hash: str
    description: str = attrs.field(repr=False)


@attrs.frozen
class Desired:
    """Everything a render output asks of the controller.

    Attributes:
        out: the output directory it was read from.
        jobs: the jobs, by name.
        folders: the folders the jobs live in, by name.
        cloud_script: the Groovy cloud script, if the output has one.
        teams: every team with a repository in the render (with jobs or not); by default,
            and for an output written before jds recorded them, the teams of its jobs.
        edited: the files read that were edited after the render (only with ``allow_edited``).
    """

    out: Path
    jobs: tuple[DesiredItem, ...]
    folders: tuple[DesiredItem, ...]
    cloud_script: str | None = attrs.field(repr=False)
    teams: frozenset[str] = attrs.field(
        default=attrs.Factory(
            lambda self: frozenset(job.name.partition("/")[0] for job in self.jobs), takes_self=True
        )
    )

    edited: tuple[str, ...] = ()

    @property
    def depth(self) -> int:
        """How many folder levels the bulk read must see (at least 2: team folders and their jobs)."""
        return max([2, *(job.name.count("/") + 1 for job in self.jobs)])


def read_output(
    out: Path, renderer: Renderer | None = None, *, allow_edited: bool = False, cloud_script: bool = True
) -> Desired:
    """Read the jobs, folders and cloud script that ``jds render`` wrote into ``out``.

    Each file read is checked against the content hash ``report.json`` records for it
    (:mod:`~jenkins_docker_sdk.apply.recorded`).

    Args:
        out: the output directory.
        renderer: renders the team folders.
        allow_edited: accept files edited since the render (they are listed in
            :attr:`Desired.edited`).
        cloud_script: read (and check) the Groovy cloud script too.

    Raises:
        InputError: ``out`` is not a ``jds render`` output, a job's file is missing or
            not as ``jds render`` writes it, or a file was edited after the render (and
            ``allow_edited`` is false); every such file is named.
    """
    report, names_, teams = _job_names(out)
    files = report.get("files")
    recorded = RecordedFiles(out, files if isinstance(files, dict) else {}, allow_edited=allow_edited)
    renderer = renderer or Renderer()
    problems: list[InputError] = []
    jobs = []
    for name in names_:
        path = out / "jobs" / f"{name}.config.xml"
        try:
            stamped = stamp(recorded.read(f"jobs/{name}.config.xml"))
        except OSError as exc:
            problems.append(
                InputError.at(f"cannot read the config.xml of job {name}: {exc.strerror}", Location(path))
            )
            continue
        except ValueError as exc:
            problems.append(InputError.at(f"not a config.xml as jds render writes it: {exc}", Location(path)))
            continue
        jobs.append(DesiredItem(name, False, stamped.xml, stamped.hash, stamped.description))
    script = out / CLOUD_SCRIPT
    script_text = recorded.read(CLOUD_SCRIPT) if cloud_script and script.is_file() else None
    if problems or recorded.problems:
        raise InputError([problem for error in problems for problem in error.problems] + recorded.problems)
    folders = []
    for team in sorted({name.rpartition("/")[0] for name in names_}):
        stamped = stamp(renderer.folder_config_xml(team))
        folders.append(DesiredItem(team, True, stamped.xml, stamped.hash, stamped.description))
    return Desired(
        out=out,
        jobs=tuple(jobs),
        folders=tuple(folders),
        cloud_script=script_text,
        teams=teams | {name.partition("/")[0] for name in names_},
        edited=tuple(recorded.edited),
    )


def _job_names(out: Path) -> tuple[dict[str, Any], list[str], frozenset[str]]:
    """``report.json``, the job names it lists (each checked to be ``team/job``), and its teams."""
    report_path = out / REPORT
    hint = "give the directory that `jds render FARM -o OUT` wrote"
    if not out.is_dir():
        raise InputError.at("not a directory", Location(out), hint)
    try:
        report: Any = json.loads(report_path.read_text(encoding="utf-8"))
    except OSError:
        raise InputError.at("not a jds render output: it has no report.json", Location(out), hint) from None
    except ValueError as exc:
        raise InputError.at(f"not valid JSON: {exc}", Location(report_path), hint) from None
    if not isinstance(report, dict) or report.get("generator") != _GENERATOR:
        raise InputError.at("not a report written by jds render", Location(report_path), hint)
    entries = report.get("jobs")
    if not isinstance(entries, list):
        raise InputError.at("'jobs' is missing or not a list", Location(report_path), hint)
    found: list[str] = []
    for entry in entries:
        name = entry.get("name") if isinstance(entry, dict) else None
        parts = name.split("/") if isinstance(name, str) else []
        if len(parts) != 2 or any(names.item_name(part) for part in parts):
            raise InputError.at(f"job name {name!r} is not team/job", Location(report_path), hint)
        found.append(str(name))
    teams = report.get("teams", [])
    if not isinstance(teams, list) or any(
        not isinstance(team, str) or names.item_name(team) for team in teams
    ):
        raise InputError.at("'teams' is not a list of team names", Location(report_path), hint)
    return report, sorted(set(found)), frozenset(teams)
