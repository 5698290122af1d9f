"""Where something came from, and what is wrong there: the values errors and models carry."""

from __future__ import annotations

from pathlib import Path

import attrs


@attrs.frozen
class Location:
    """Where something came from: a file, and optionally a 1-based line and column."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = str(self.path)
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@attrs.frozen
class Problem:
    """One thing wrong with the input: where it is, what is wrong, what is accepted."""

    message: str
    location: Location | None = None
    hint: str | None = None

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n    {self.hint}"
        return text
