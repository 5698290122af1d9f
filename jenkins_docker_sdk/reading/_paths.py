"""Whether a path that a farm file names stays inside a directory, without crashing on it.

A team names paths (``agent.dockerfile``) and farm.yml names one (``validation.policy``);
the path may lead out through ``..`` or a symlink, loop on itself, or be too long for the
system to look at. Each of these is an answer or an :class:`~.errors.InputError` naming
the path, never an exception from the operating system.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import Location

#: errno values that only say "there is nothing there": the path is judged as written.
_ABSENT = frozenset({errno.ENOENT, errno.ENOTDIR})


def inside(path: Path, directory: Path) -> bool:
    """Whether ``path`` (symlinks followed) stays within ``directory``.

    A file directly in ``directory`` that is not a symlink needs no resolving (one lstat
    instead of one per path component, twice): the usual ``Dockerfile``.

    Raises:
        InputError: ``path`` is a symlink loop, or cannot be looked at (too long, not
            searchable); the problem names it.
    """
    try:
        if path.parent == directory and not stat.S_ISLNK(os.lstat(path).st_mode):
            return True
        os.stat(path)
    except OSError as exc:
        if exc.errno not in _ABSENT:
            raise _unusable(path, exc) from None
    try:
        resolved = path.resolve()
    except RuntimeError:  # Path.resolve's word for a symlink loop (Python < 3.13)
        raise _unusable(path, OSError(errno.ELOOP, os.strerror(errno.ELOOP))) from None
    except OSError as exc:
        raise _unusable(path, exc) from None
    return resolved.is_relative_to(directory.resolve())


def _unusable(path: Path, exc: OSError) -> InputError:
    if exc.errno == errno.ELOOP:
        return InputError.at(
            "this path is a symlink loop", Location(path), "point the symlink at a file, not back at itself"
        )
    if exc.errno == errno.ENAMETOOLONG:  # the path itself would drown the message
        return InputError.at(
            f"cannot use the path {path.name[:40]!r}... in this directory ({len(str(path))} "
            f"characters): {exc.strerror}",
            Location(path.parent if len(str(path.parent)) < 1024 else Path(path.anchor or ".")),
        )
    return InputError.at(f"cannot use this path: {exc.strerror or exc}", Location(path))
