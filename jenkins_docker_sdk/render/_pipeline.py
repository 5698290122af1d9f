"""The render pipeline: a farm into every output file, audited, with its report, all at once.

:func:`render_path` reads the farm and renders each job in the process that read its
repository, while the others read on; :func:`render_farm` renders a farm already read. Both
write through :mod:`._files` (a staging directory swapped in whole) and :mod:`._report`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
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
    write_atomically,
    write_pieces,
    write_text,
)
from jenkins_docker_sdk.render._renderer import SEED, SEED_DATA, Renderer, content_hash
from jenkins_docker_sdk.render._report import REPORT, build_report, report_text


@attrs.frozen
class RenderResult:
    """What a render wrote."""

    out: Path
    files: int
    report: dict[str, Any]


def render_farm(farm: Farm, out: Path, renderer: Renderer | None = None) -> RenderResult:
    """Render every output of ``farm`` into ``out`` atomically, with ``report.json``.

    Raises:
        InputError: ``out`` exists but is not an earlier output of this tool.
    """
    renderer = renderer or Renderer()
    hashes: dict[str, str] = {}
    report: dict[str, Any] = {}

    def files() -> Iterable[tuple[str, str]]:
        findings: list[AuditFinding] = []
        for path, text in renderer.render(farm):
            hashes[path] = content_hash(text)
            findings.extend(audit_text(path, text))
            yield path, text
        if findings:  # raised before the output replaces OUT
            raise AuditError(findings)
        report.update(build_report(farm, hashes))
        yield REPORT, report_text(report)

    count = write_atomically(out, files())
    return RenderResult(out=out, files=count, report=report)


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
        workers: as for :func:`~jenkins_docker_sdk.reading.load_farm`; 0: one per core for a
            large farm.
        templates: a directory of templates to use instead of the shipped ones.
        before_swap: called with the farm and the staging directory once everything is
            written, before it replaces ``out``; an exception keeps ``out`` as it was
            (``jds render --values-from`` audits the output for credential values here).

    Raises:
        FarmError: the farm has problems (nothing is written).
        InputError: ``out`` exists but is not an earlier output of this tool.
    """
    target = through_link(out)
    check_replaceable(target)
    with staged(target) as staging, gc_paused():
        farm, chunks = discover(root, _JobWriter(staging, templates), workers=workers)
        hashes: dict[str, str] = {}
        seed: dict[str, str] = {}
        findings: list[AuditFinding] = []
        for chunk in chunks:
            hashes.update(chunk.hashes)
            seed.update(chunk.seed)
            findings.extend(chunk.findings)
        renderer = Renderer(templates=templates)
        pieces = renderer.seed_data(farm, (seed[name] for name in sorted(seed)))
        header = next(pieces)  # the team folders: the entries were audited where they were rendered
        findings.extend(audit_text(SEED_DATA, header, lines=False))
        hashes[SEED_DATA] = write_pieces(staging / SEED_DATA, chain([header], pieces))
        for relative, text in [(SEED, renderer.seed_script()), *renderer.cloud_files(farm)]:
            findings.extend(audit_text(relative, text))
            write_text(staging, relative, text)
            hashes[relative] = content_hash(text)
        if findings:  # the staging directory goes; OUT stays as it was
            raise AuditError(findings)
        report = build_report(farm, hashes)
        write_text(staging, REPORT, report_text(report))
        if before_swap is not None:
            before_swap(farm, staging)
    return farm, RenderResult(out=out, files=len(hashes) + 1, report=report)


@attrs.frozen
class _ChunkOutput:
    hashes: dict[str, str]  # relative path -> content hash
    seed: dict[str, str]  # job full name -> its entry in the Job DSL seed's data
    findings: list[AuditFinding] = attrs.Factory(list)  # secrets in what was rendered


@attrs.frozen
class _JobWriter:
    """Renders and writes the jobs of a chunk of repositories (runs in a discovery worker)."""

    staging: Path
    templates: Path | None

    def __call__(self, repos: list[TeamRepo]) -> _ChunkOutput:
        renderer = _renderer(self.templates)
        output = _ChunkOutput({}, {})
        for repo in repos:
            for job in repo.jobs:
                rendered = renderer.render_job(job)
                for relative, text in rendered.files:
                    try:
                        write_text(self.staging, relative, text)
                    except FileExistsError:  # a duplicate job name, which discovery reports
                        continue
                    output.hashes[relative] = content_hash(text)
                    output.findings.extend(audit_text(relative, text))
                output.seed[job.full_name] = rendered.seed
                output.findings.extend(audit_text(SEED_DATA, rendered.seed, lines=False))
        return output


@functools.cache
def _renderer(templates: Path | None) -> Renderer:
    """One renderer per process and template directory: templates compile once."""
    return Renderer(templates=templates)
