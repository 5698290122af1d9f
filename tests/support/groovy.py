"""The real Groovy compiler, kept running: one JVM answers many compile checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

CHECKER = Path(__file__).with_name("groovy_check.groovy")
JAVA_HOMES = (
    "/usr/lib/jvm/default-java",
    "/usr/lib/jvm/java-17-openjdk-amd64",
    "/usr/lib/jvm/java-17-openjdk-arm64",
)
INSTALL_HINT = "Groovy 2.4 is needed: run scripts/test (it installs it), or `apt-get install -y groovy`"


def find_groovy() -> str | None:
    """The groovy launcher on PATH, if any."""
    return shutil.which("groovy")


class GroovyChecker:
    """Compiles files to the CONVERSION phase and reports errors, shape and string constants."""

    def __init__(self, groovy: str) -> None:
        env = dict(os.environ)
        if "JAVA_HOME" not in env:
            env["JAVA_HOME"] = next((home for home in JAVA_HOMES if Path(home).is_dir()), "")
        self._scratch = Path(tempfile.mkdtemp(prefix="jds-groovy-"))
        self._count = 0
        self._process = subprocess.Popen(
            [groovy, str(CHECKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
        )

    def check(self, path: Path) -> dict[str, Any]:
        """Compile one file; returns ``{"ok", "errors", "shape", "strings"}``."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(f"{path}\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Groovy checker exited with {self._process.wait()}")
        result: dict[str, Any] = json.loads(line)
        return result

    def check_text(self, source: str) -> dict[str, Any]:
        """Compile Groovy source given as text."""
        self._count += 1
        path = self._scratch / f"snippet{self._count}.groovy"
        path.write_text(source, encoding="utf-8")
        return self.check(path)

    def close(self) -> None:
        """Stop the JVM and remove scratch files."""
        if self._process.stdin:
            self._process.stdin.close()
        self._process.wait(timeout=30)
        if self._process.stdout:
            self._process.stdout.close()
        shutil.rmtree(self._scratch, ignore_errors=True)
