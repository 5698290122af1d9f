"""Writing a farm's outputs: all or nothing, and a report of what was written.

Files are written into a fresh sibling directory which then replaces ``OUT`` by rename;
a run that fails part-way leaves the previous output untouched. An existing ``OUT`` is
only ever replaced if it holds a ``report.json`` written by this tool.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.errors import InputError, Location
from jenkins_docker_sdk.models import Farm
from jenkins_docker_sdk.render import Renderer, content_hash

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
        for path, text in renderer.render(farm):
            hashes[path] = content_hash(text)
            yield path, text
        report.update(build_report(farm, hashes))
        yield REPORT, json.dumps(report, indent=2, sort_keys=True) + "\n"

    count = write_atomically(out, files())
    return RenderResult(out=out, files=count, report=report)


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


def write_atomically(out: Path, files: Iterable[tuple[str, str]]) -> int:
    """Write ``(relative path, text)`` pairs so that ``out`` is replaced all at once.

    Returns:
        The number of files written.
    """
    _check_replaceable(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    count = 0
    made: set[Path] = {staging}
    try:
        for relative, text in files:
            target = staging / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            _write_new(target, text.encode("utf-8"))
            count += 1
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` and write ``data`` (plain os calls: thousands of small files)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
    finally:
        os.close(descriptor)


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
