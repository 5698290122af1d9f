#!/usr/bin/env python3
"""HTTP requests and time of ``jds apply`` against Jenkins Job Builder's ``jenkins-jobs update``.

Standalone: run it with the Python that has jenkins-docker-sdk installed (with its testing
kit). It generates render.py's synthetic farm and the same jobs as Jenkins Job Builder YAML,
serves two fresh MockJenkins controllers over loopback HTTP from this process (one per tool,
team folders made beforehand for JJB, which does not create folders), and runs each tool as
a whole process against its own controller, counting the requests the controller answered:

    (a) the first sync, (b) a re-sync with nothing changed, (c) a re-sync with 10 jobs changed

for ``jds apply`` (also with --force, and a --verify re-sync), and for ``jenkins-jobs update``
with its local cache and without it (``--ignore-cache``). Every temporary directory is
deleted at the end.

    python benchmarks/apply.py [--jobs 3500 --repos 1200 --teams 40 --changed 10 --workers 8] [--json]

Jenkins Job Builder is a benchmark-only dependency, kept in its own venv:
``python3 -m venv /tmp/venv-jjb && /tmp/venv-jjb/bin/pip install jenkins-job-builder``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from render import Repo, find_jjb, jds_cmd, jjb_yaml, make_farm, manifest, write_farm, write_jjb

from jenkins_docker_sdk.testing import MockJenkins, MockJenkinsServer

USER = "bench"
TOKEN = "0123456789abcdef0123456789abcdef"  # the mock's API token for USER; nothing real
TOKEN_ENV = "JDS_BENCH_TOKEN"
JJB_INI = """\
[job_builder]
ignore_cache=False
keep_descriptions=False
recursive=False
allow_duplicates=False
update=jobs

[jenkins]
url={url}
user={user}
password={password}
query_plugins_info=False
"""


@dataclass(frozen=True)
class Run:
    """One run of a tool: its time and the requests the controller answered."""

    tool: str
    scenario: str
    wall: float
    requests: int
    gets: int
    posts: int
    statuses: dict[str, int]
    note: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "tool": self.tool,
            "scenario": self.scenario,
            "wall": self.wall,
            "requests": self.requests,
            "get": self.gets,
            "post": self.posts,
            "statuses": self.statuses,
            "note": self.note,
        }


def say(args: argparse.Namespace, message: str) -> None:
    if not args.json:
        print(message, file=sys.stderr, flush=True)


def timed(
    cmd: list[str], server: MockJenkinsServer, tool: str, scenario: str, env: dict[str, str], note: str = ""
) -> Run:
    """Run ``cmd`` as a whole process; its wall time and the requests ``server`` answered meanwhile."""
    before = len(server.jenkins.request_log)
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"command failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    log = server.jenkins.request_log[before:]
    methods = Counter(record.method for record in log)
    statuses = Counter(str(record.status) for record in log)
    return Run(tool, scenario, wall, len(log), methods["GET"], methods["POST"], dict(statuses), note)


def change_jobs(repos: list[Repo], count: int, farm: Path, jjb_dir: Path) -> list[str]:
    """Change the description of ``count`` jobs spread over the farm, in both tools' inputs."""
    jobs = [(repo, job) for repo in repos for job in repo.jobs]
    step = max(1, len(jobs) // count)
    changed = []
    for _, job in jobs[::step][:count]:
        job.description += " (changed)"
        changed.append(f"{job.team}/{job.name}")
    for repo in {id(r): r for r, _ in jobs[::step][:count]}.values():
        (farm / repo.team / repo.name / "jenkins-docker.yml").write_text(manifest(repo), encoding="utf-8")
        (jjb_dir / f"{repo.team}--{repo.name}.yaml").write_text(jjb_yaml(repo), encoding="utf-8")
    return changed


def bench(args: argparse.Namespace, work: Path) -> dict[str, object]:
    jjb = find_jjb(args.jjb)
    repos = make_farm(args.jobs, args.repos, args.teams)
    n_jobs = sum(len(r.jobs) for r in repos)
    teams = sorted({r.team for r in repos})
    farm, jjb_dir, out = work / "farm", work / "jjb", work / "out"
    write_farm(repos, farm)
    write_jjb(repos, jjb_dir)
    say(args, f"generated {n_jobs} jobs in {len(repos)} repos of {len(teams)} teams under {work}")

    env = {**os.environ, TOKEN_ENV: TOKEN, "XDG_CACHE_HOME": str(work / "cache"), "HOME": str(work)}
    render_started = time.perf_counter()
    subprocess.run(jds_cmd("render", str(farm), "-o", str(out)), check=True, capture_output=True, env=env)
    render_wall = time.perf_counter() - render_started

    jds_mock, jjb_mock = MockJenkins(users={USER: TOKEN}), MockJenkins(users={USER: TOKEN})
    for team in teams:  # JJB pushes jobs only; its folders exist beforehand
        jjb_mock.add_folder(team)
    runs: list[Run] = []
    with jds_mock.serve() as jds_server, jjb_mock.serve() as jjb_server:
        ini = work / "jenkins_jobs.ini"
        ini.write_text(JJB_INI.format(url=jjb_server.url, user=USER, password=TOKEN), encoding="utf-8")

        def jds(scenario: str, *extra: str, note: str = "") -> None:
            cmd = jds_cmd("apply", str(out), "--jenkins", jds_server.url, "--user", USER, "--token-env",
                          TOKEN_ENV, "--concurrency", str(args.workers), "--json", *extra)  # fmt: skip
            runs.append(timed(cmd, jds_server, "jds apply", scenario, env, note))
            say(args, f"  jds apply {' '.join(extra):<10} {scenario:<36} {runs[-1].requests:>6} requests "
                      f"{runs[-1].wall:7.2f} s")  # fmt: skip

        def jenkins_jobs(scenario: str, *flags: str, note: str = "") -> None:
            cmd = [jjb, "--conf", str(ini), *flags, "update", "--workers", str(args.workers), str(jjb_dir)]
            runs.append(timed(cmd, jjb_server, "jenkins-jobs update", scenario, env, note))
            say(args, f"  jenkins-jobs {' '.join(flags):<15} {scenario:<36} {runs[-1].requests:>6} requests "
                      f"{runs[-1].wall:7.2f} s")  # fmt: skip

        jds("(a) first sync")
        jenkins_jobs("(a) first sync", note="empty cache")
        jds("(b) re-sync, nothing changed")
        jenkins_jobs("(b) re-sync, nothing changed", note="cache")

        changed = change_jobs(repos, args.changed, farm, jjb_dir)
        render_started = time.perf_counter()
        subprocess.run(jds_cmd("render", str(farm), "-o", str(out)), check=True, capture_output=True, env=env)
        render_wall = min(render_wall, time.perf_counter() - render_started)
        say(args, f"changed {len(changed)} jobs: {', '.join(changed[:3])}, ...")
        jds(f"(c) re-sync, {len(changed)} jobs changed")
        jenkins_jobs(f"(c) re-sync, {len(changed)} jobs changed", note="cache")
        jds("(b) again, after (c)")
        jenkins_jobs("(b) again, after (c)", note="cache")

        changed = change_jobs(repos, args.changed, farm, jjb_dir)
        subprocess.run(jds_cmd("render", str(farm), "-o", str(out)), check=True, capture_output=True, env=env)
        jds(f"(c) re-sync, {len(changed)} jobs changed", "--force", note="no read before overwriting")
        jenkins_jobs(f"(c) re-sync, {len(changed)} jobs changed", "--ignore-cache", note="no cache")
        jds("(b) re-sync, nothing changed", "--verify", note="reads every config.xml")
        jenkins_jobs("(b) re-sync, nothing changed", "--ignore-cache", note="no cache")

        assert sorted(jds_mock.jobs) == sorted(jjb_mock.jobs), "the two controllers hold different jobs"
    return {
        "benchmark": "apply-vs-jjb",
        "jobs": n_jobs,
        "teams": len(teams),
        "changed": args.changed,
        "workers": args.workers,
        "python": sys.version.split()[0],
        "jds_render_wall": render_wall,
        "runs": [run.as_dict() for run in runs],
        "targets": {"(b) requests": 3, "(c) requests": args.changed + 3},
    }


def print_result(result: dict[str, object]) -> None:
    runs = result["runs"]
    assert isinstance(runs, list)
    print(f"\n{result['jobs']} jobs in {result['teams']} team folders; MockJenkins over loopback HTTP; "
          f"{result['workers']} workers/concurrency; whole processes, one run each")  # fmt: skip
    print(f"{'':22}{'scenario':<36}{'requests':>9}{'GET':>7}{'POST':>7}{'wall':>9}  note")
    for run in runs:
        print(f"{run['tool']:<22}{run['scenario']:<36}{run['requests']:>9}{run['get']:>7}{run['post']:>7}"
              f"{run['wall']:>8.2f}s  {run['note']}")  # fmt: skip
    print(f"(jds render of the farm, not included above: {result['jds_render_wall']:.2f} s; "
          "jenkins-jobs renders every job on every run)")  # fmt: skip
    targets = result["targets"]
    assert isinstance(targets, dict)
    print(f"targets: (b) at most {targets['(b) requests']} requests, (c) at most {targets['(c) requests']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=3500, help="jobs in the farm")
    parser.add_argument("--repos", type=int, default=1200, help="team repositories")
    parser.add_argument("--teams", type=int, default=40, help="teams (one folder each)")
    parser.add_argument("--changed", type=int, default=10, help="jobs changed for scenario (c)")
    parser.add_argument("--workers", type=int, default=8, help="jds --concurrency and JJB --workers")
    parser.add_argument("--jjb", help="path of jenkins-jobs (default: $PATH, then /tmp/venv-jjb)")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()
    if args.jobs < args.changed * 2 or args.changed < 1:
        parser.error("--changed must be at least 1 and --jobs at least twice --changed")

    work = Path(tempfile.mkdtemp(prefix="jds-apply-bench-"))
    try:
        result = bench(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not args.json:
        print_result(result)
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
