"""Failure injection: error answers, dropped connections and latency, by method and path."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Final, Literal

import attrs

from jenkins_docker_sdk.testing._http import Request, Response, html_page

#: What :meth:`Faults.apply` returns for a connection to drop without an answer.
DROP: Final = "drop"


@attrs.define
class _Rule:
    method: str | None
    path: re.Pattern[str]
    remaining: int | None  # None: every time
    response: Response | None  # None: drop the connection

    def take(self, request: Request) -> bool:
        if self.remaining == 0 or (self.method is not None and self.method != request.method):
            return False
        if not self.path.search(request.path):
            return False
        if self.remaining is not None:
            self.remaining -= 1
        return True


@attrs.define(kw_only=True)
class Faults:
    """The faults a test injected; rules are tried in the order they were added."""

    sleep: Callable[[float], None] = time.sleep
    rules: list[_Rule] = attrs.field(factory=list)
    delays: list[tuple[re.Pattern[str], float]] = attrs.field(factory=list)
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def fail(self, method: str | None, path: str, status: int, times: int | None, body: str | None) -> None:
        message = body or f"MockJenkins.fail injected HTTP {status} for {method or 'any method'} {path}"
        page = html_page(f"Error {status}", message, status)
        with self.lock:
            self.rules.append(_Rule(_method(method), re.compile(path), _times(times), page))

    def drop(self, method: str | None, path: str, times: int | None) -> None:
        with self.lock:
            self.rules.append(_Rule(_method(method), re.compile(path), _times(times), None))

    def latency(self, seconds: float, path: str) -> None:
        if seconds < 0:
            raise ValueError(f"latency must be >= 0 seconds, got {seconds}")
        with self.lock:
            self.delays = [(p, s) for p, s in self.delays if p.pattern != path]
            if seconds:
                self.delays.append((re.compile(path), seconds))

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()
            self.delays.clear()

    def apply(self, request: Request) -> Response | Literal["drop"] | None:
        """Wait the injected latency; then the injected answer (or :data:`DROP`), if any."""
        with self.lock:
            delay = max((s for p, s in self.delays if p.search(request.path)), default=0.0)
            rule = next((r for r in self.rules if r.take(request)), None)
        if delay:
            self.sleep(delay)
        if rule is None:
            return None
        return DROP if rule.response is None else rule.response


def _method(method: str | None) -> str | None:
    return None if method in (None, "*", "ANY") else str(method).upper()


def _times(times: int | None) -> int | None:
    if times is not None and times < 1:
        raise ValueError(f"times must be at least 1 (or None for every request), got {times}")
    return times
