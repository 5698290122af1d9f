"""Writing outputs all or nothing: a staging directory beside the output, swapped in by rename.

A run that fails part-way leaves the previous output untouched; an existing output is only
ever replaced if it holds a ``report.json`` written by this tool.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location
from jenkins_docker_sdk.render._renderer import HASH_LENGTH
from jenkins_docker_sdk.render._report import GENERATOR, REPORT


def write_atomically(out: Path, files: Iterable[tuple[str, str]]) -> int:
    """Write ``(relative path, text)`` pairs so that ``out`` is replaced all at once.

    Returns:
        The number of files written.
    """
    target = through_link(out)
    check_replaceable(target)
    count = 0
    with staged(target) as staging:
        for relative, text in files:
            write_text(staging, relative, text)
            count += 1
    return count


@contextlib.contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A fresh sibling directory of ``out`` that replaces it on success, or is removed."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        yield staging
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_text(directory: Path, relative: str, text: str) -> None:
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


def write_pieces(path: Path, pieces: Iterable[str]) -> str:
    """Create ``path`` from text in pieces, never holding it whole; returns its content hash."""
    digest = hashlib.sha256()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as file:
        for piece in pieces:
            data = piece.encode("utf-8")
            digest.update(data)
            file.write(data)
    return digest.hexdigest()[:HASH_LENGTH]


def through_link(out: Path) -> Path:
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


def check_replaceable(out: Path) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise InputError.at("output path exists and is not a directory", Location(out))
    if any(out.iterdir()) and not is_our_output(out):
        raise InputError.at(
            "output directory is not empty and was not written by jds render; refusing to replace it",
            Location(out),
            "choose a new directory, or remove this one yourself",
        )


def is_our_output(out: Path) -> bool:
    try:
        report = json.loads((out / REPORT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(report, dict) and report.get("generator") == GENERATOR


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
