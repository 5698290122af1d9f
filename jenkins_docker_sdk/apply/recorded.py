"""The files of a render output, each checked against the content hash ``report.json`` records.

``jds render`` records a hash of every file it writes; ``jds apply`` reads the files it
pushes through :class:`RecordedFiles`, so a ``config.xml`` edited after the render (a
sandbox turned off, an ``authToken`` added) is refused, naming the file, unless the
operator asks for it with ``--allow-edited``. The hashes guard against edits made by
hand or by another tool, not against someone who can rewrite ``report.json`` as well.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import attrs

from jenkins_docker_sdk.model import Location, Problem
from jenkins_docker_sdk.render import HASH_LENGTH

_HINT = "render again to push what the farm says, or pass --allow-edited to push the file as it is"


@attrs.define
class RecordedFiles:
    """Reads files of the output ``out``, comparing each with its recorded hash.

    Attributes:
        out: the output directory.
        hashes: ``report.json``'s ``files``: relative path -> content hash.
        allow_edited: read an edited file without a problem (it is still listed in ``edited``).
        edited: relative paths of the files read whose content is not what was recorded.
        problems: one per edited file, unless ``allow_edited``.
    """

    out: Path
    hashes: Mapping[str, str]
    allow_edited: bool = False
    edited: list[str] = attrs.Factory(list)
    problems: list[Problem] = attrs.Factory(list)

    def read(self, relative: str) -> str:
        """The text of ``out/relative``, its hash checked.

        Raises:
            OSError: the file cannot be read.
            UnicodeDecodeError: it is not UTF-8.
        """
        data = (self.out / relative).read_bytes()
        actual = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
        recorded = self.hashes.get(relative)
        if actual != recorded:
            self.edited.append(relative)
            if not self.allow_edited:
                said = (
                    f"report.json records {recorded}"
                    if recorded
                    else "report.json records no hash for it (jds render did not write it)"
                )
                self.problems.append(
                    Problem(
                        f"edited after jds render wrote it: its content hash is {actual}, {said}",
                        Location(self.out / relative),
                        _HINT,
                    )
                )
        return data.decode("utf-8")
