"""The probe script: every probe of one image as one POSIX ``sh`` script, and its output parsed.

Each probe runs in a subshell with stdin from ``/dev/null``; markers carrying a random
nonce (which the image cannot guess) delimit its stdout, its stderr and its exit status,
so one container's two log streams give every probe's result. A probe that never printed
its end marker did not finish (the container was killed at its timeout).
"""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence

import attrs

from jenkins_docker_sdk.reading import CommandTest

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@attrs.frozen
class Probe:
    """One thing to run in the container: ``shell`` is sh code, run in a subshell."""

    shell: str


@attrs.frozen
class ProbeResult:
    """What one probe printed and how it ended; ``exit_code`` is ``None`` if it did not finish."""

    stdout: str
    stderr: str
    exit_code: int | None


def command_probe(test: CommandTest) -> Probe:
    """A container-structure-test command test as a probe: its command exec'd with its args
    and environment, no shell in between (as CST runs it)."""
    argv = " ".join(shlex.quote(arg) for arg in (test.command, *(test.args or ())))
    pairs = [(pair.key, pair.value) for pair in test.envVars or ()]
    if all(_IDENTIFIER.fullmatch(key) for key, _ in pairs):
        exports = "".join(f"export {key}={shlex.quote(value)}; " for key, value in pairs)
        return Probe(f"{exports}exec {argv}")
    assignments = " ".join(shlex.quote(f"{key}={value}") for key, value in pairs)
    return Probe(f"exec env {assignments} {argv}")


@attrs.frozen
class ProbeScript:
    """The script for ``probes`` and how to read its output back."""

    probes: tuple[Probe, ...]
    nonce: str = attrs.field(factory=lambda: secrets.token_hex(8))

    @property
    def start_marker(self) -> bytes:
        """What the script prints first: its absence means it never ran."""
        return f"@@jds {self.nonce} start@@".encode()

    def text(self) -> bytes:
        """The script, ``#!/bin/sh`` first."""
        tag = f"@@jds {self.nonce}"
        lines = ["#!/bin/sh", f"printf '%s\\n' '{tag} start@@'"]
        for index, probe in enumerate(self.probes):
            lines += [
                f"printf '\\n%s\\n' '{tag} begin {index}@@'; printf '\\n%s\\n' '{tag} begin {index}@@' >&2",
                f"( {probe.shell}\n) </dev/null",
                f"rc=$?; printf '\\n{tag} end {index} %s@@\\n' \"$rc\"",
                f"printf '\\n%s\\n' '{tag} end {index}@@' >&2",
            ]
        return ("\n".join(lines) + "\n").encode()

    def results(self, stdout: bytes, stderr: bytes) -> tuple[ProbeResult | None, ...]:
        """Each probe's result, in order; ``None`` for a probe that never began."""
        out = _sections(stdout.decode("utf-8", "replace"), self.nonce, with_status=True)
        err = _sections(stderr.decode("utf-8", "replace"), self.nonce, with_status=False)
        results: list[ProbeResult | None] = []
        for index in range(len(self.probes)):
            if index not in out:
                results.append(None)
                continue
            text, status = out[index]
            results.append(ProbeResult(text, err.get(index, ("", None))[0], status))
        return tuple(results)


def _sections(text: str, nonce: str, *, with_status: bool) -> dict[int, tuple[str, int | None]]:
    """Probe index -> (its text, its exit status or ``None``) from one stream."""
    tag = re.escape(f"@@jds {nonce}")
    begins = list(re.finditer(rf"\n{tag} begin (\d+)@@\n", text))
    sections: dict[int, tuple[str, int | None]] = {}
    for number, begin in enumerate(begins):
        index = int(begin.group(1))
        stop = begins[number + 1].start() if number + 1 < len(begins) else len(text)
        body = text[begin.end() : stop]
        end_pattern = rf"\n{tag} end {index} (\d+)@@\n" if with_status else rf"\n{tag} end {index}@@\n"
        end = re.search(end_pattern, body)
        if end is None:
            sections[index] = (body, None)
        else:
            sections[index] = (body[: end.start()], int(end.group(1)) if with_status else 0)
    return sections


def unfinished(results: Sequence[ProbeResult | None]) -> int:
    """How many probes did not finish (never began, or no end marker)."""
    return sum(1 for result in results if result is None or result.exit_code is None)
