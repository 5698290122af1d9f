"""Every benchmark's synthetic farm passes ``jds check``: a benchmark that cannot run measures nothing.

A benchmark generates a farm with ``make_farm(jobs, repos, teams)`` and ``write_farm(repos,
root)`` (render.py's, which apply.py reuses). Each distinct pair found in benchmarks/*.py
is run here at a small size that still has every kind of repository and job (each build
profile, repositories without a Dockerfile, DryDock jobs, every credential type).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from jenkins_docker_sdk.cli import main

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
FARM_FILES = ("farm.yml", "jenkins-docker.yml")


def _load(path: Path) -> ModuleType:
    """Import a benchmark under its own name, as its siblings import it (apply.py: ``from render``)."""
    if path.stem in sys.modules:  # imported by a sibling loaded before it
        return sys.modules[path.stem]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def _writes_a_farm(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return "write_farm" in text or any(name in text for name in FARM_FILES)


@pytest.fixture(scope="module")
def farm_benchmarks() -> Iterator[dict[str, ModuleType]]:
    paths = sorted(BENCHMARKS.glob("*.py"))
    if any(path.stem in sys.modules for path in paths):
        pytest.fail("a benchmark's name is already an imported module: " + ", ".join(p.stem for p in paths))
    sys.path.insert(0, str(BENCHMARKS))  # apply.py imports render.py as a sibling
    try:
        yield {path.name: _load(path) for path in paths if _writes_a_farm(path)}
    finally:
        sys.path.remove(str(BENCHMARKS))
        for path in paths:
            sys.modules.pop(path.stem, None)


def _generators(modules: dict[str, ModuleType]) -> dict[tuple[Callable[..., Any], Callable[..., Any]], str]:
    """Each distinct (make_farm, write_farm) pair, with the benchmarks that use it."""
    found: dict[tuple[Callable[..., Any], Callable[..., Any]], list[str]] = {}
    for name, module in modules.items():
        found.setdefault((module.make_farm, module.write_farm), []).append(name)
    return {pair: " and ".join(names) for pair, names in found.items()}


def test_every_benchmark_that_writes_a_farm_uses_a_generator_tested_here(
    farm_benchmarks: dict[str, ModuleType],
) -> None:
    assert {"render.py", "apply.py"} <= farm_benchmarks.keys()
    for name, module in farm_benchmarks.items():
        assert callable(getattr(module, "make_farm", None)), f"{name} writes a farm without make_farm()"
        assert callable(getattr(module, "write_farm", None)), f"{name} writes a farm without write_farm()"


def test_every_benchmark_farm_passes_jds_check(
    farm_benchmarks: dict[str, ModuleType], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for (make_farm, write_farm), name in _generators(farm_benchmarks).items():
        repos = make_farm(48, 24, 3)
        root = tmp_path / name
        write_farm(repos, root)
        assert any(job.docker for repo in repos for job in repo.jobs), "no DryDock job at this size"
        assert any(repo.profile is None for repo in repos), "no repository without a Dockerfile"
        capsys.readouterr()
        code = main(["check", "--json", str(root)])
        captured = capsys.readouterr()
        assert code == 0, f"{name}'s farm fails jds check:\n{captured.err}"
        assert json.loads(captured.out)["jobs"] == sum(len(repo.jobs) for repo in repos)
