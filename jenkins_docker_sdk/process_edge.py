"""Where the ``jds`` process meets its surroundings: a SIGTERM, and a reader that stops reading.

- SIGTERM (``kill``, a CI runner's timeout, ``docker stop``) is turned into
  :class:`Terminated`, an exception that unwinds like Ctrl-C: a render's staging
  directory is removed and the previous output stays, instead of ``.OUT.new-*`` being left
  behind by a process killed mid-write.
- A closed pipe on stdout or stderr (``jds render ... | head -1``) is not a failure of
  the command: what is written after the reader left is dropped, the command runs to its
  end and exits with its own code.

Both only while :func:`process_edge` is active, and only in the main thread of a process
that owns its standard streams: library callers keep their own signal handling.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from jenkins_docker_sdk.errors import Terminated

if TYPE_CHECKING:
    from typing_extensions import Buffer  # collections.abc.Buffer from Python 3.12

#: The exit code of a command stopped by SIGTERM (128 + the signal's number, as shells say).
TERMINATED_EXIT = 128 + signal.SIGTERM


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated


class _ClosablePipe(io.RawIOBase):
    """A pipe's write end that drops what is written once the reader has gone."""

    def __init__(self, descriptor: int) -> None:
        super().__init__()
        self._descriptor = descriptor
        self.reader_gone = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._descriptor

    def write(self, data: Buffer) -> int:
        if not self.reader_gone:
            try:
                return os.write(self._descriptor, data)
            except BrokenPipeError:
                self.reader_gone = True
        return memoryview(data).nbytes


def _pipe_safe(stream: TextIO) -> TextIO | None:
    """A stand-in for ``stream`` that survives its reader leaving, if ``stream`` is a pipe."""
    try:
        descriptor = stream.fileno()
        is_pipe = stat.S_ISFIFO(os.fstat(descriptor).st_mode)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return None  # a captured or replaced stream (tests, an embedding program)
    if not is_pipe:
        return None
    stream.flush()
    raw: Any = _ClosablePipe(descriptor)
    return io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=stream.encoding,
        errors=stream.errors,
        line_buffering=bool(stream.line_buffering),
    )


@contextlib.contextmanager
def process_edge() -> Iterator[None]:
    """SIGTERM as :class:`Terminated`, and closed pipes on stdout/stderr harmless, meanwhile."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    streams = {"stdout": sys.stdout, "stderr": sys.stderr}
    replaced = {name: safe for name, stream in streams.items() if (safe := _pipe_safe(stream)) is not None}
    for name, safe in replaced.items():
        setattr(sys, name, safe)
    try:
        yield
    finally:
        for name, safe in replaced.items():
            with contextlib.suppress(OSError, ValueError):
                safe.flush()
            setattr(sys, name, streams[name])
        signal.signal(signal.SIGTERM, previous)
