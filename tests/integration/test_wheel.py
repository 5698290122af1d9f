"""The built wheel carries the templates: installed in a fresh venv, it renders the example farm."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "example-farm"

pytestmark = pytest.mark.slow


def test_wheel_installs_and_renders_from_its_own_templates(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(dist),
            str(ROOT),
        ],
        check=True,
    )
    (wheel,) = dist.glob("jenkins_docker_sdk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "jenkins_docker_sdk/templates/seed.groovy.j2" in names
    assert "jenkins_docker_sdk/py.typed" in names
    assert "jenkins_docker_sdk/validation/default-policy.yml" in names
    assert "jenkins_docker_sdk/testing/pytest_plugin.py" in names
    assert "jenkins_docker_sdk/templates/folder.config.xml.j2" in names
    assert "jenkins_docker_sdk/templates/credentials.yaml.j2" in names
    assert "jenkins_docker_sdk/credentials/injector.py" in names
    assert {"jenkins_docker_sdk/apply/plan.py", "jenkins_docker_sdk/clients/jenkins.py"} <= set(names)
    assert not any(name.startswith(("tests/", "examples/")) for name in names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)

    out = tmp_path / "out"
    work = tmp_path / "elsewhere"  # not the source tree: the templates must come from the wheel
    work.mkdir()
    result = subprocess.run(
        [str(env_dir / "bin" / "jds"), "render", str(ROOT / "examples" / "farm"), "-o", str(out)],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Rendered 11 jobs" in result.stdout
    goldens = sorted(path for path in GOLDEN.rglob("*") if path.is_file())
    assert len(goldens) == 29
    for golden in goldens:
        assert (out / golden.relative_to(GOLDEN)).read_text() == golden.read_text(), golden
    version = subprocess.run(
        [str(python), "-m", "jenkins_docker_sdk", "--version"], capture_output=True, text=True
    )
    assert version.stdout.strip() == "jds, version 0.1.0"
    policy = subprocess.run(
        [str(python), "-c", "import jenkins_docker_sdk as j; print(j.load_policy().source)"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert policy.returncode == 0, policy.stderr
    assert policy.stdout.strip().startswith(str(env_dir))  # the default policy comes from the wheel
