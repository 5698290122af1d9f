"""The real Groovy compiler, kept running: one JVM answers many compile checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Literal

CHECKER = Path(__file__).with_name("groovy_check.groovy")
#: Stub classes of the Jenkins, Job DSL, Pipeline and docker-plugin APIs that generated scripts
#: call: signatures (and the little behaviour a run needs), compiled when the checker starts.
STUBS = Path(__file__).with_name("groovy_stubs")
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
    """The real Groovy compiler: parse checks (shape, string constants) and class generation.

    :meth:`check` compiles to the CONVERSION phase; :meth:`compile` goes through class
    generation against :data:`STUBS`, and can run the script there.
    """

    def __init__(self, groovy: str) -> None:
        env = dict(os.environ)
        if "JAVA_HOME" not in env:
            env["JAVA_HOME"] = next((home for home in JAVA_HOMES if Path(home).is_dir()), "")
        self._scratch = Path(tempfile.mkdtemp(prefix="jds-groovy-"))
        self._count = 0
        self._process = subprocess.Popen(
            [groovy, str(CHECKER), str(STUBS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            encoding="utf-8",
        )

    def check(self, path: Path) -> dict[str, Any]:
        """Compile one file to CONVERSION; returns ``{"ok", "errors", "shape", "strings"}``."""
        return self._ask(str(path))

    def compile(
        self,
        path: Path,
        kind: Literal["seed", "pipeline", "cloud"],
        *,
        run: bool = False,
        runs: int = 1,
        binding: dict[str, str] | None = None,
        summary: bool = False,
    ) -> dict[str, Any]:
        """Compile one file through class generation against the stubs, and with ``run`` run it.

        ``kind`` picks the script base class: Job DSL's for a seed, Pipeline steps for a
        pipeline, none for a cloud script (which imports the plugin's classes). Returns
        ``{"ok", "errors", "result"}``; ``result`` holds the calls a seed or pipeline made
        (with ``summary``, only how many of each top-level call), or a cloud script's clouds
        after each of ``runs`` runs and what it printed.
        """
        request = {"path": str(path), "kind": kind, "run": run, "runs": runs}
        request.update(binding=binding or {}, summary=summary)
        return self._ask(json.dumps(request))

    def compile_many(self, paths: list[Path], kind: Literal["seed", "pipeline", "cloud"]) -> dict[Path, Any]:
        """Compile many files of one kind through class generation; the errors of each that fails."""
        answer = self._ask(json.dumps({"paths": [str(path) for path in paths], "kind": kind}))
        assert answer["paths"] == len(paths)
        return {Path(path): errors for path, errors in answer["failures"].items()}

    def _ask(self, line: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.write(f"{line}\n")
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
