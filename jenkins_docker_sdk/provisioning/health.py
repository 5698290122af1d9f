"""Failure memory: templates that keep failing are suspended; hosts that fail are set aside."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

import attrs


@attrs.define(kw_only=True)
class TemplateBreaker:
    """Suspends a template after ``threshold`` failures within ``window`` seconds, for ``cooldown``.

    docker-plugin's errorDuration does the same after a single failure (300 s by default);
    a threshold above one keeps one unlucky attempt from taking a label away.
    """

    threshold: int
    window: float
    cooldown: float
    _failures: dict[str, deque[float]] = attrs.field(init=False, factory=dict)
    _suspended: dict[str, float] = attrs.field(init=False, factory=dict)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)

    def failed(self, template: str, now: float) -> float | None:
        """Record a failure; returns the end of the suspension it starts, if it starts one."""
        with self._lock:
            times = self._failures.setdefault(template, deque())
            times.append(now)
            while times and times[0] < now - self.window:
                times.popleft()
            if len(times) >= self.threshold:
                times.clear()
                self._suspended[template] = now + self.cooldown
                return now + self.cooldown
            return None

    def succeeded(self, template: str) -> None:
        with self._lock:
            self._failures.pop(template, None)

    def suspended_until(self, template: str, now: float) -> float | None:
        """When the template's suspension ends; ``None`` when it is not suspended."""
        with self._lock:
            until = self._suspended.get(template)
            if until is not None and until <= now:
                del self._suspended[template]
                return None
            return until

    def suspended(self, now: float) -> dict[str, float]:
        """Every suspended template and when its suspension ends."""
        with self._lock:
            return {name: until for name, until in self._suspended.items() if until > now}


@attrs.define(kw_only=True)
class HostHealth:
    """Hosts taken out of placement after a failure, back once they answer a ping again."""

    recheck: float
    _down: dict[str, float] = attrs.field(init=False, factory=dict)
    _lock: threading.Lock = attrs.field(init=False, factory=threading.Lock)

    def mark_down(self, host: str, now: float) -> None:
        with self._lock:
            self._down[host] = now

    def usable(self, host: str, now: float, ping: Callable[[], bool]) -> bool:
        """Whether ``host`` may be placed on; a host that is down is pinged every ``recheck`` s."""
        with self._lock:
            since = self._down.get(host)
            if since is None:
                return True
            if now - since < self.recheck:
                return False
            self._down[host] = now  # one ping per recheck period, whoever asks
        if ping():
            with self._lock:
                self._down.pop(host, None)
            return True
        return False

    def down(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._down)
