"""The ``jds`` process and its surroundings: SIGTERM leaves nothing half written, and a reader
that closes the pipe early (``| head -1``) is not a failure. Real processes, real signals."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE_FARM

#: Runs `jds render`, stopping where discovery starts (the staging directory exists by then)
#: until a signal comes: the one hook the test needs to signal a render mid-way every time.
_PAUSED_RENDER = """
import sys, time
import jenkins_docker_sdk.render._pipeline as output
from jenkins_docker_sdk.cli import main

real = output.discover
def paused(*args, **kwargs):
    print("rendering", flush=True)
    time.sleep(120)
    return real(*args, **kwargs)
output.discover = paused
sys.exit(main(sys.argv[1:]))
"""


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()
    }


def _render(out: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "jenkins_docker_sdk", "render", str(EXAMPLE_FARM), "-o", str(out)],
        text=True,
        timeout=120,
        check=False,
        **kwargs,
    )


def test_sigterm_during_a_render_removes_the_staging_directory_and_keeps_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _render(out, capture_output=True).returncode == 0
    before = _snapshot(out)
    child = subprocess.Popen(
        [sys.executable, "-c", _PAUSED_RENDER, "render", str(EXAMPLE_FARM), "-o", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "rendering\n"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.new-")]  # mid-render
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 143, err
    assert "terminated (SIGTERM)" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert _snapshot(out) == before


def test_a_closed_pipe_is_not_a_failure_of_the_render(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line: every write meets a closed pipe
    try:
        result = _render(tmp_path / "out", stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "out" / "report.json").is_file()


def test_a_closed_pipe_on_stderr_keeps_the_exit_code_of_the_command(tmp_path: Path) -> None:
    farm = Path(shutil.copytree(EXAMPLE_FARM, tmp_path / "farm"))
    (farm / "teamA/node-web/jenkins-docker.yml").write_text("jobs: [\n")  # bad input: exit code 2
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "jenkins_docker_sdk", "check", str(farm)],
            stdout=subprocess.DEVNULL, stderr=write_end, timeout=120, check=False,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert result.returncode == 2
