"""Writing a farm's outputs: all or nothing, and a report of what was written.

Files are written into a fresh sibling directory which then replaces ``OUT`` by rename;
a run that fails part-way leaves the previous output untouched. An existing ``OUT`` is
only ever replaced if it holds a ``report.json`` written by this tool. When ``OUT`` is a
symlink, the directory it points at is replaced and the link kept.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.credentials.audit import AuditError, AuditFinding, audit_text
from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Farm, Location, TeamRepo
from jenkins_docker_sdk.reading import discover, gc_paused
from jenkins_docker_sdk.render import HASH_LENGTH, SEED, SEED_DATA, Renderer, content_hash

REPORT = "report.json"
_GENERATOR = "jenkins-docker-sdk"


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
    target = _through_link(out)
    _check_replaceable(target)
    with _staging(target) as staging, gc_paused():
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
        hashes[SEED_DATA] = _write_pieces(staging / SEED_DATA, chain([header], pieces))
        for relative, text in [(SEED, renderer.seed_script()), *renderer.cloud_files(farm)]:
            findings.extend(audit_text(relative, text))
            _write_text(staging, relative, text)
            hashes[relative] = content_hash(text)
        if findings:  # the staging directory goes; OUT stays as it was
            raise AuditError(findings)
        report = build_report(farm, hashes)
        _write_text(staging, REPORT, report_text(report))
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
                        _write_text(self.staging, relative, text)
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


def build_report(farm: Farm, hashes: dict[str, str]) -> dict[str, Any]:
    """The report: what was generated, each job's templates, and warnings."""
    return {
        "generator": _GENERATOR,
        "summary": {
            "teams": len(farm.teams),
            "repos": len(farm.repos),
            "templates": len(farm.templates),
            "jobs": len(farm.jobs),
        },
        "templates": [
            {
                "name": t.name,
                "image": t.image,
                "labels": sorted(t.labels),
                "connector": t.connector,
                "mode": t.mode,
                "repo": t.repo,
                "docker_socket": t.docker_socket,
            }
            for t in farm.templates
        ],
        # every team with a repository in this render, jobs or not: jds apply --prune does not
        # delete the managed jobs of a team missing here unless told to (--prune-team)
        "teams": list(farm.teams),
        "jobs": [
            {
                "name": job.full_name,
                "label": job.label,
                "templates": list(farm.bindings[job.full_name]),
                "docker": job.docker,
            }
            for job in sorted(farm.jobs, key=lambda j: j.full_name)
        ],
        "files": dict(sorted(hashes.items())),
        "warnings": list(farm.warnings),
    }


def report_text(report: dict[str, Any]) -> str:
    """``report`` as JSON with one line per key and per entry of a list or mapping.

    As readable and diffable as indented JSON (one job, template or file per line), and
    twice as fast to write for a large farm: each line is encoded by the C encoder, which
    ``json.dumps`` only uses without ``indent``.
    """
    lines = ["{"]
    for n, key in enumerate(sorted(report)):
        value = report[key]
        end = "," if n < len(report) - 1 else ""
        if isinstance(value, dict) and value:
            items = sorted(value.items())
            lines.append(f"  {json.dumps(key)}: {{")
            lines.extend(f"    {json.dumps(k)}: {_compact(v)}," for k, v in items[:-1])
            lines.append(f"    {json.dumps(items[-1][0])}: {_compact(items[-1][1])}")
            lines.append("  }" + end)
        elif isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            lines.extend(f"    {_compact(item)}," for item in value[:-1])
            lines.append(f"    {_compact(value[-1])}")
            lines.append("  ]" + end)
        else:
            lines.append(f"  {json.dumps(key)}: {_compact(value)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_compact = json.JSONEncoder(sort_keys=True, separators=(", ", ": ")).encode  # one encoder, reused


def write_atomically(out: Path, files: Iterable[tuple[str, str]]) -> int:
    """Write ``(relative path, text)`` pairs so that ``out`` is replaced all at once.

    Returns:
        The number of files written.
    """
    target = _through_link(out)
    _check_replaceable(target)
    count = 0
    with _staging(target) as staging:
        for relative, text in files:
            _write_text(staging, relative, text)
            count += 1
    return count


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    """A fresh sibling directory of ``out`` that replaces it on success, or is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_text(directory: Path, relative: str, text: str) -> None:
    """Create ``directory/relative`` (and its folders) holding ``text``; never overwrites."""
    path = os.path.join(directory, relative)  # a string: no Path object for each of thousands
    try:
        _write_new(path, text.encode("utf-8"))
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _write_new(path, text.encode("utf-8"))


def _write_new(path: str | Path, data: bytes) -> None:
    """Create ``path`` and write ``data`` (plain os calls: thousands of small files)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


def _write_pieces(path: Path, pieces: Iterable[str]) -> str:
    """Create ``path`` from text in pieces, never holding it whole; returns its content hash."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as file:
        for piece in pieces:
            data = piece.encode("utf-8")
            digest.update(data)
            file.write(data)
    return digest.hexdigest()[:HASH_LENGTH]


def _through_link(out: Path) -> Path:
    """The directory ``out`` names: a symlink's target, so that the link is kept, not replaced.

    Raises:
        InputError: ``out`` is a symlink loop.
    """
    if not out.is_symlink():
        return out
    try:
        return out.resolve()
    except (RuntimeError, OSError):  # RuntimeError: Path.resolve's symlink loop
        raise InputError.at(
            "the output path is a symlink loop", Location(out), "point it at a directory"
        ) from None


def _check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError.at("output path exists and is not a directory", Location(out))
    if any(out.iterdir()) and not _is_our_output(out):
        raise InputError.at(
            "output directory is not empty and was not written by jds render; refusing to replace it",
            Location(out),
            "choose a new directory, or remove this one yourself",
        )


def _is_our_output(out: Path) -> bool:
    try:
        report = json.loads((out / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(report, dict) and report.get("generator") == _GENERATOR


def _swap(staging: Path, out: Path) -> None:
    os.chmod(staging, 0o755)  # mkdtemp makes it 0700
    if not out.exists():
        staging.rename(out)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    try:
        staging.rename(out)
    except BaseException:
        retired.rename(out)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def write_file_atomically(path: Path, text: str) -> None:
    """Replace the file ``path`` with ``text`` at once: a temp file beside it, then a rename.

    A failed write leaves the previous file as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
