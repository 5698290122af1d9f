"""The render pipeline: a farm into every output file, audited, with its report, all at once.

One pipeline: each job's own files are rendered, audited and written into a staging
directory (:func:`_write_jobs`), then the farm-wide files and the report (:func:`_finish`),
then the staging directory replaces the output whole (:mod:`._files`). :func:`render_path`
runs the first stage in the discovery workers, on each chunk of repositories as it is read;
:func:`render_farm`, for a farm already read, runs it here.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.errors import AuditError
from jenkins_docker_sdk.model import Farm, TeamRepo
from jenkins_docker_sdk.reading import discover, gc_paused
from jenkins_docker_sdk.render._audit import AuditFinding, audit_text
from jenkins_docker_sdk.render._files import (
    check_replaceable,
    staged,
    through_link,
    write_pieces,
    write_text,
)
from jenkins_docker_sdk.render._renderer import SEED_DATA, Renderer, content_hash
from jenkins_docker_sdk.render._report import REPORT, build_report, report_text


@attrs.frozen
class RenderResult:
    """What a render wrote."""

    out: Path
    files: int
    report: dict[str, Any]


def render_farm(
    farm: Farm,
    out: Path,
    renderer: Renderer | None = None,
    *,
    before_swap: Callable[[Farm, Path], None] | None = None,
) -> RenderResult:
    """Render every output of ``farm`` into ``out`` atomically, with ``report.json``.

    :func:`render_path` with the farm already read, in this process.

    Raises:
        AuditError: an output holds what looks like a secret (nothing is written).
        InputError: ``out`` exists but is not an earlier output of this tool.
    """
    renderer = renderer or Renderer()
    with _staged_output(out) as staging:
        jobs = _write_jobs(renderer, staging, farm.repos)
        return _finish(farm, renderer, out, staging, [jobs], before_swap)


def render_path(
    root: Path,
    out: Path,
    *,
    workers: int = 0,
    templates: Path | None = None,
    before_swap: Callable[[Farm, Path], None] | None = None,
) -> tuple[Farm, RenderResult]:
    """Discover the farm under ``root`` and render it into ``out``, in one pass.

    The same outputs as :func:`render_farm` on :func:`~jenkins_docker_sdk.reading.load_farm`,
    but each job's files are rendered and written by the worker that read its repository,
    while the others read on; only the farm-wide files are left for the end. ``out`` is
    still replaced all at once, and only if the whole farm checked out.

    Args:
        root: the farm root.
        out: the output directory.
        workers: as for :func:`~jenkins_docker_sdk.reading.load_farm` (1: all in this
            process); 0: one per core for a large farm.
        templates: a directory of templates to use instead of the shipped ones.
        before_swap: called with the farm and the staging directory once everything is
            written, before it replaces ``out``; an exception keeps ``out`` as it was
            (``jds render --values-from`` audits the output for credential values here).

    Raises:
        FarmError: the farm has problems (nothing is written).
        AuditError: an output holds what looks like a secret (nothing is written).
        InputError: ``out`` exists but is not an earlier output of this tool.
    """
    with _staged_output(out) as staging:
        farm, chunks = discover(root, _JobWriter(staging, templates), workers=workers)
        result = _finish(farm, Renderer(templates=templates), out, staging, chunks, before_swap)
    return farm, result


@contextlib.contextmanager
def _staged_output(out: Path) -> Iterator[Path]:
    """The staging directory that replaces ``out`` (or a symlink's target) if all goes well."""
    target = through_link(out)
    check_replaceable(target)
    with staged(target) as staging, gc_paused():
        yield staging


@attrs.frozen
class _JobsOutput:
    """The jobs of some repositories, written: their files' hashes, seed entries and findings."""

    hashes: dict[str, str] = attrs.Factory(dict)  # relative path -> content hash
    seed: dict[str, str] = attrs.Factory(dict)  # job full name -> its entry in the seed's data
    findings: list[AuditFinding] = attrs.Factory(list)  # secrets in what was rendered


def _write_jobs(renderer: Renderer, staging: Path, repos: Iterable[TeamRepo]) -> _JobsOutput:
    """Render, audit and write each job's own files; its seed entry is kept for the end."""
    output = _JobsOutput()
    for repo in repos:
        for job in repo.jobs:
            rendered = renderer.render_job(job)
            for relative, text in rendered.files:
                try:
                    write_text(staging, relative, text)
                except FileExistsError:  # a duplicate job name, which discovery reports
                    continue
                output.hashes[relative] = content_hash(text)
                output.findings.extend(audit_text(relative, text))
            output.seed[job.full_name] = rendered.seed
            output.findings.extend(audit_text(SEED_DATA, rendered.seed, lines=False))
    return output


def _finish(
    farm: Farm,
    renderer: Renderer,
    out: Path,
    staging: Path,
    jobs: Iterable[_JobsOutput],
    before_swap: Callable[[Farm, Path], None] | None,
) -> RenderResult:
    """Write the farm-wide files and the report after the jobs'; raise if the audit found any."""
    hashes: dict[str, str] = {}
    seed: dict[str, str] = {}
    findings: list[AuditFinding] = []
    for part in jobs:
        hashes.update(part.hashes)
        seed.update(part.seed)
        findings.extend(part.findings)
    for relative, pieces in renderer.farm_files(farm, (seed[name] for name in sorted(seed))):
        if relative == SEED_DATA:  # streamed: the jobs' entries in it were audited with the jobs
            rest = iter(pieces)
            header = next(rest)  # the team folders
            findings.extend(audit_text(SEED_DATA, header, lines=False))
            hashes[relative] = write_pieces(staging / relative, chain([header], rest))
            continue
        text = "".join(pieces)
        findings.extend(audit_text(relative, text))
        write_text(staging, relative, text)
        hashes[relative] = content_hash(text)
    if findings:  # the staging directory goes; OUT stays as it was
        raise AuditError(findings)
    report = build_report(farm, hashes)
    write_text(staging, REPORT, report_text(report))
    if before_swap is not None:
        before_swap(farm, staging)
    return RenderResult(out=out, files=len(hashes) + 1, report=report)


@attrs.frozen
class _JobWriter:
    """:func:`_write_jobs` for a chunk of repositories, in the discovery worker that read them."""

    staging: Path
    templates: Path | None

    def __call__(self, repos: list[TeamRepo]) -> _JobsOutput:
        return _write_jobs(_renderer(self.templates), self.staging, repos)


@functools.cache
def _renderer(templates: Path | None) -> Renderer:
    """One renderer per process and template directory: templates compile once."""
    return Renderer(templates=templates)
