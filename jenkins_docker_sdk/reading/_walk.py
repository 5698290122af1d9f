"""Walking a farm root for team repositories, and saying what is not read and why.

A team repository is a directory below the root holding ``jenkins-docker.yml`` and/or a
``Dockerfile``; the walk does not descend into a repository once found. Hidden
directories, ``node_modules`` and ``__pycache__`` are not read, by convention. Nothing
else is left out without a word, because a repository that silently vanishes from a
render is pruned from the controller by ``jds apply --prune``:

- a directory that cannot be listed is an error (its repositories would be missing);
- a ``jenkins-docker.yml`` or ``Dockerfile`` that is a dangling symlink, a symlink loop,
  a directory or anything but a regular file is an error;
- a ``jenkins-docker.yml`` at the farm root is an error (repositories are below it), and
  so is a ``farm.yml`` that is a dangling symlink (the farm would get the defaults);
- a ``Dockerfile`` at the farm root, and a symlink to a directory (never followed), are
  warnings: ``jds check`` prints them, ``--strict`` refuses them.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import attrs

from jenkins_docker_sdk.model import Location, Problem
from jenkins_docker_sdk.reading._inputfile import open_error

FARM_FILE = "farm.yml"
MANIFEST = "jenkins-docker.yml"
DOCKERFILE = "Dockerfile"
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@attrs.define
class RepoWalk:
    """One walk of a farm root; :meth:`repos` yields, ``problems`` and ``warnings`` fill up.

    Attributes:
        root: the farm root.
        problems: errors found so far (complete once :meth:`repos` is exhausted).
        warnings: ``location: message`` lines of what is left out on purpose.
    """

    root: Path
    problems: list[Problem] = attrs.Factory(list)
    warnings: list[str] = attrs.Factory(list)

    def repos(self) -> Iterator[Path]:
        """Relative paths of the team repositories under the root, in sorted order."""
        pending = [self.root]
        while pending:
            here = pending.pop()
            try:
                with os.scandir(here) as listing:
                    entries = {entry.name: entry for entry in listing}
            except OSError as exc:
                self.problems.append(
                    Problem(
                        f"cannot read this directory: {exc.strerror}",
                        Location(here),
                        "let jds read it: the repositories in it would be missing from the render",
                    )
                )
                continue
            if here == self.root:
                self._check_root(entries)
            elif MANIFEST in entries or DOCKERFILE in entries:
                for name in (MANIFEST, DOCKERFILE):
                    if name in entries:
                        self._check_file(entries[name])
                yield here.relative_to(self.root)
                continue
            below = []
            for name in sorted(entries):
                entry = entries[name]
                if name.startswith(".") or name in SKIP_DIRS:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    below.append(Path(entry.path))
                elif entry.is_symlink() and _is_dir(entry):
                    self.warnings.append(
                        f"{entry.path}: a symlink to a directory ({os.readlink(entry.path)}): not followed, "
                        "so no repository in it is read (put the repository itself in the farm)"
                    )
            pending.extend(reversed(below))

    def _check_root(self, entries: dict[str, os.DirEntry[str]]) -> None:
        if MANIFEST in entries:
            self.problems.append(
                Problem(
                    f"a {MANIFEST} at the farm root is not read: team repositories are directories below it",
                    Location(Path(entries[MANIFEST].path)),
                    f"move it into its repository (<team>/<repo>/{MANIFEST})",
                )
            )
        if DOCKERFILE in entries:
            self.warnings.append(
                f"{entries[DOCKERFILE].path}: a {DOCKERFILE} at the farm root is not read: agent "
                f"images come from team repositories (<team>/<repo>/{DOCKERFILE})"
            )
        farm_file = entries.get(FARM_FILE)
        if farm_file is not None and farm_file.is_symlink() and not os.path.exists(farm_file.path):
            path = Path(farm_file.path)
            self.problems.append(Problem(open_error(path, OSError()), Location(path)))

    def _check_file(self, entry: os.DirEntry[str]) -> None:
        """What the repository reader would pass over in silence about its manifest or Dockerfile.

        It reads a manifest that exists, so it reports one that is a directory or a FIFO
        itself, and it reports a Dockerfile symlink loop; a dangling manifest symlink, and
        a Dockerfile that is a dangling symlink or no regular file, only the walk sees.
        """
        path = Path(entry.path)
        if entry.is_symlink():
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                if entry.name == MANIFEST or exc.errno != errno.ELOOP:
                    self.problems.append(Problem(open_error(path, exc), Location(path)))
                return
        elif entry.is_file(follow_symlinks=False):
            return
        else:
            mode = entry.stat(follow_symlinks=False).st_mode
        if entry.name == DOCKERFILE and not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
            self.problems.append(
                Problem(
                    f"cannot read: it is {kind}, not a regular file",
                    Location(path),
                    f"make {entry.name} a file",
                )
            )


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a symlink loop: not a directory to walk into either
        return False
