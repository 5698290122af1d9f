"""A large farm read by several processes gives exactly what one process gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk import FarmError
from jenkins_docker_sdk.farm import PARALLEL_THRESHOLD, load_farm


def _farm(root: Path, repos: int, broken: tuple[int, ...] = ()) -> Path:
    for n in range(repos):
        repo = root / f"team{n % 7}" / f"repo{n:03d}"
        repo.mkdir(parents=True)
        (repo / "Dockerfile").write_text(
            f'FROM debian:12\nUSER jenkins\nLABEL io.jenkins.agent.labels="linux r{n}"\n'
        )
        label = "linux && (" if n in broken else f"linux && r{n}"
        (repo / "jenkins-docker.yml").write_text(
            f"jobs:\n  - name: build{n}\n    label: {label}\n    steps: [make]\n"
        )
    return root


def test_parallel_discovery_equals_serial(tmp_path: Path) -> None:
    root = _farm(tmp_path, PARALLEL_THRESHOLD + 10)
    serial = load_farm(root, workers=1)
    parallel = load_farm(root, workers=2)
    assert parallel == serial
    assert [job.full_name for job in parallel.jobs] == [job.full_name for job in serial.jobs]
    assert len(parallel.jobs) == PARALLEL_THRESHOLD + 10


def test_parallel_discovery_reports_the_same_problems_in_order(tmp_path: Path) -> None:
    root = _farm(tmp_path, PARALLEL_THRESHOLD + 10, broken=(3, 150, 205))
    with pytest.raises(FarmError) as serial:
        load_farm(root, workers=1)
    with pytest.raises(FarmError) as parallel:
        load_farm(root, workers=2)
    assert str(parallel.value) == str(serial.value)
    where = [problem.location for problem in parallel.value.problems]
    assert [(loc.path.parent.name, loc.line) for loc in where if loc] == [
        ("repo205", 3),
        ("repo003", 3),
        ("repo150", 3),
    ]
