"""Reading a file that a farm names: a regular file, within a size limit, as UTF-8 text.

Every file jds reads from a farm (farm.yml, manifests, Dockerfiles, a policy, a value file)
comes through :func:`read_text`, so that a FIFO, a device, a dangling symlink, a symlink
loop or a file of gigabytes is an error naming the file, never a hang, an exhausted memory
or a silent skip.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location

#: The largest YAML file read (farm.yml, a manifest, a policy): a manifest of thousands of
#: jobs is well under it.
MAX_YAML_BYTES = 2 * 1024 * 1024
#: The largest Dockerfile read. BuildKit's parser takes time quadratic in the length of a
#: heredoc or of a continued line (1 MiB of them: about 25 s, deaf to Ctrl-C), so the cap
#: keeps the worst case near a second.
MAX_DOCKERFILE_BYTES = 256 * 1024

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def size_text(size: int) -> str:
    """``size`` bytes for a person: ``256 KiB``, ``2 MiB``, ``17 bytes``."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def read_bytes(path: Path, shown: Path, *, limit: int) -> bytes:
    """The content of the regular file ``path``, at most ``limit`` bytes.

    Args:
        path: the file (symlinks are followed).
        shown: the path to name in errors.
        limit: the largest size accepted.

    Raises:
        InputError: the file is missing, a dangling symlink or a symlink loop, not a
            regular file, unreadable, or larger than ``limit``.
    """
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer (fstat refuses it next)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError.at(open_error(path, exc), Location(shown)) from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a regular file")
            raise InputError.at(f"cannot read: it is {kind}, not a regular file", Location(shown))
        if status.st_size > limit:
            raise _too_large(shown, status.st_size, limit)
        chunks = []
        remaining = limit + 1  # one byte more than the limit tells a file that grew meanwhile
        while remaining > 0 and (chunk := os.read(descriptor, min(remaining, 1 << 20))):
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise InputError.at(f"cannot read: {exc.strerror}", Location(shown)) from None
    finally:
        os.close(descriptor)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(shown, len(data), limit)
    return data


def open_error(path: Path, exc: OSError) -> str:
    """Why ``path`` could not be opened, in words (a dangling symlink says where it points)."""
    if os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if exc.errno == errno.ELOOP or _loops(path):
            return f"cannot read: it is a symlink loop ({path.name} -> {target} -> ...)"
        if not os.path.exists(path):
            return f"cannot read: it is a symlink to {target!r}, which does not exist"
    return f"cannot read: {exc.strerror or exc}"


def _loops(path: Path) -> bool:
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _too_large(shown: Path, size: int, limit: int) -> InputError:
    return InputError.at(
        f"the file is {size} bytes; jds reads files of at most {_limit_text(limit)}",
        Location(shown),
        "a file this large is generated or hostile: make it smaller, or keep it out of the farm",
    )


def _limit_text(limit: int) -> str:
    shown = size_text(limit)
    return shown if shown.endswith(" bytes") else f"{shown} ({limit} bytes)"


def read_text(path: Path, shown: Path, *, limit: int = MAX_YAML_BYTES) -> str:
    """Read a UTF-8 text file through :func:`read_bytes`; a bad byte is reported at its line.

    Raises:
        InputError: the file cannot be read (see :func:`read_bytes`) or is not UTF-8.
    """
    data = read_bytes(path, shown, limit=limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError.at(
            f"not UTF-8 text: byte 0x{data[exc.start]:02x} ({exc.reason}){_encoding_hint(data)}",
            Location(shown, line, column),
            "save the file as UTF-8",
        ) from None


def _encoding_hint(data: bytes) -> str:
    """What the first bytes say the file is, when they are a UTF-16 or UTF-32 byte order mark."""
    for bom, name in (
        (b"\xff\xfe\x00\x00", "UTF-32"),
        (b"\x00\x00\xfe\xff", "UTF-32"),
        (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"),
    ):
        if data.startswith(bom):
            return f"; the file starts with a {name} byte order mark"
    return ""
