"""A large farm read by several processes gives exactly what one process gives."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from jenkins_docker_sdk import FarmError, render_farm
from jenkins_docker_sdk.model import TeamRepo
from jenkins_docker_sdk.reading import PARALLEL_THRESHOLD, discover, load_farm
from jenkins_docker_sdk.render import render_path
from tests.conftest import EXAMPLE_FARM


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


@pytest.mark.parametrize("enabled", [True, False])
def test_discovery_leaves_the_cycle_collector_as_it_found_it(enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    try:
        load_farm(EXAMPLE_FARM)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def _tree(directory: Path) -> dict[str, bytes]:
    files = sorted(p for p in directory.rglob("*") if p.is_file())
    return {str(p.relative_to(directory)): p.read_bytes() for p in files}


def test_rendering_while_discovering_writes_what_rendering_a_loaded_farm_writes(tmp_path: Path) -> None:
    root = _farm(tmp_path / "farm", PARALLEL_THRESHOLD + 10)
    render_farm(load_farm(root, workers=1), tmp_path / "serial")
    farm, result = render_path(root, tmp_path / "parallel", workers=2)
    assert _tree(tmp_path / "parallel") == _tree(tmp_path / "serial")
    assert result.files == len(_tree(tmp_path / "parallel")) == 2 * len(farm.jobs) + 7


def test_a_broken_farm_rendered_in_parallel_leaves_the_previous_output(tmp_path: Path) -> None:
    render_path(_farm(tmp_path / "good", PARALLEL_THRESHOLD + 10), tmp_path / "out", workers=2)
    before = _tree(tmp_path / "out")
    bad = _farm(tmp_path / "bad", PARALLEL_THRESHOLD + 10, broken=(150,))
    with pytest.raises(FarmError):
        render_path(bad, tmp_path / "out", workers=2)
    assert _tree(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "good", "out"]  # no staging left behind


def test_a_job_defined_twice_is_reported_not_written_twice(tmp_path: Path) -> None:
    root = _farm(tmp_path / "farm", PARALLEL_THRESHOLD + 10)
    copy = root / "team0" / "zz-copy"
    copy.mkdir()
    (copy / "jenkins-docker.yml").write_text(
        "jobs:\n  - name: build0\n    label: linux && r0\n    steps: [make]\n"
    )
    with pytest.raises(FarmError, match="job 'team0/build0' is defined twice"):
        render_path(root, tmp_path / "out", workers=2)
    assert [p.name for p in tmp_path.iterdir()] == ["farm"]  # neither output nor staging


def _explode(repos: list[TeamRepo]) -> None:
    raise RuntimeError(f"chunk of {len(repos)} failed")


def test_a_failing_chunk_stops_discovery_with_its_error(tmp_path: Path) -> None:
    root = _farm(tmp_path, PARALLEL_THRESHOLD + 10)
    with pytest.raises(RuntimeError, match=r"chunk of \d+ failed"):
        discover(root, _explode, workers=2)


def test_a_process_that_has_not_loaded_the_go_parser_forks_its_workers(tmp_path: Path) -> None:
    """A fresh process (as `jds render` is) has not loaded BuildKit's Go runtime when it reads
    the farm, so its workers are forked: they render exactly what one process renders."""
    import subprocess
    import sys

    root = _farm(tmp_path / "farm", PARALLEL_THRESHOLD + 10)
    render_farm(load_farm(root, workers=1), tmp_path / "serial")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import multiprocessing\n"
        "from jenkins_docker_sdk.reading import go_runtime_loaded\n"
        "from jenkins_docker_sdk.render import render_path\n"
        "assert not go_runtime_loaded(), 'the Go parser was loaded by importing the SDK'\n"
        "started = []\n"
        "original = multiprocessing.get_context\n"
        "multiprocessing.get_context = lambda method=None: started.append(method) or original(method)\n"
        "render_path(Path(sys.argv[1]), Path(sys.argv[2]), workers=2)\n"
        "print(started)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(root), str(tmp_path / "forked")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['fork']"
    assert _tree(tmp_path / "forked") == _tree(tmp_path / "serial")
