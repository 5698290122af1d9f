#!/usr/bin/env python3
"""The one-shot agent lifecycle against raw ``docker run --rm``, and image-locality placement.

Standalone: run it as root with the Python that has jenkins-docker-sdk installed (with its
testing kit), while the Docker test harness runs (``sudo scripts/docker-harness up``). It
serves a MockJenkins over loopback HTTP from this process and measures, on real engines:

    (a) lifecycle: on one engine, 50 agents (provision, ready, release) one after another and
        8 at a time, against ``docker run --rm --network host IMAGE true`` of the same image
        through the engine's own CLI, the same 50 one after another and 8 at a time.
        Interleaved over --rounds rounds; medians of wall time, and CPU time (user + sys of
        this process and its children). Target: the lifecycle at most 1.25x the raw run.
    (b) locality: the time to the first ready agent on a Swarm worker that lacks a large
        image (it pulls it from the registry) against the node that holds it, and the same
        with both hosts offered to the provisioner, with and without locality-aware
        placement. The image (the harness agent base, about 450 MB) is pushed to the
        registry under a name of its own and removed from the worker, the node and the
        registry's manifest list at the end (the registry keeps the blobs until its GC).

    python benchmarks/provision.py [--agents 50 --parallel 8 --rounds 3] [--skip-locality] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import docker

from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning import DockerHost, ProvisionerSettings, SlaveProvisioner, StaticBackend
from jenkins_docker_sdk.provisioning.ownership import FARM
from jenkins_docker_sdk.testing import MockJenkins

HARNESS_ENV = Path("/var/lib/jds-harness/harness.env")
DOCKER_CLI = "/usr/bin/docker"  # the engine's own 20.10 client


def harness() -> dict[str, str]:
    if not HARNESS_ENV.exists():
        sys.exit(f"no harness: {HARNESS_ENV} is missing; start it with `sudo scripts/docker-harness up`")
    return dict(line.split("=", 1) for line in HARNESS_ENV.read_text().splitlines() if "=" in line)


def cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(action: Callable[[], None]) -> tuple[float, float]:
    wall, used = time.perf_counter(), cpu()
    action()
    return time.perf_counter() - wall, cpu() - used


def run_parallel(count: int, parallel: int, one: Callable[[], None]) -> None:
    if parallel <= 1:
        for _ in range(count):
            one()
        return
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for future in [pool.submit(one) for _ in range(count)]:
            future.result()


def template(image: str, name: str = "bench") -> AgentTemplate:
    return AgentTemplate(name=f"bench-{name}", team="bench", repo=name, image=image, labels={"bench"},
                         connector="attach", shared=True)  # fmt: skip


def provisioner(
    url: str, hosts: list[DockerHost], image: str, farm_id: str, **settings: Any
) -> SlaveProvisioner:
    return SlaveProvisioner(
        templates=[template(image)],
        backend=StaticBackend(fixed=hosts),
        jenkins=JenkinsClient(url=url, retry=RetryPolicy(retries=1, backoff=0.0)),
        settings=ProvisionerSettings(farm_id=farm_id, cloud_cap=1000, retries=0, **settings),
    )


def lifecycle(env: dict[str, str], jenkins_url: str, args: argparse.Namespace) -> dict[str, Any]:
    engine, image = env["JDS_DOCKER_HOST"], env["JDS_TEST_BUSYBOX_IMAGE"]
    farm_id = f"bench-{uuid.uuid4().hex[:8]}"
    prov = provisioner(jenkins_url, [DockerHost.from_url(engine)], image, farm_id)
    raw_cmd = [DOCKER_CLI, "-H", engine, "run", "--rm", "--network", "host", image, "true"]

    def raw() -> None:
        subprocess.run(raw_cmd, check=True, stdout=subprocess.DEVNULL)

    def ours() -> None:
        prov.release(prov.provision("bench"))

    cases = {
        "raw sequential": lambda: run_parallel(args.agents, 1, raw),
        "jds sequential": lambda: run_parallel(args.agents, 1, ours),
        f"raw {args.parallel}-parallel": lambda: run_parallel(args.agents, args.parallel, raw),
        f"jds {args.parallel}-parallel": lambda: run_parallel(args.agents, args.parallel, ours),
    }
    raw(), ours()  # warm-up, untimed
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    try:
        for _ in range(args.rounds):
            for name, case in cases.items():
                samples[name].append(measure(case))
    finally:
        prov.close()
    result: dict[str, Any] = {}
    for name, runs in samples.items():
        result[name] = {
            "wall_median": statistics.median(w for w, _ in runs),
            "wall_min": min(w for w, _ in runs),
            "cpu_median": statistics.median(c for _, c in runs),
        }
    for mode in ("sequential", f"{args.parallel}-parallel"):
        result[f"ratio {mode}"] = result[f"jds {mode}"]["wall_median"] / result[f"raw {mode}"]["wall_median"]
    return result


def locality(env: dict[str, str], jenkins_url: str, args: argparse.Namespace) -> dict[str, Any]:
    nodes = env["JDS_SWARM_NODES"].split(",")
    manager_url, worker_url = nodes[0], nodes[-1]
    registry = env["JDS_REGISTRY"]
    pushed = f"{registry}/jds-bench/agent-base:{uuid.uuid4().hex[:8]}"
    manager = docker.DockerClient(base_url=manager_url, version="1.41", timeout=600)
    worker = docker.DockerClient(base_url=worker_url, version="1.41", timeout=600)
    manager.images.get(env["JDS_TEST_AGENT_IMAGE"]).tag(pushed)
    for line in manager.images.push(pushed, stream=True, decode=True):
        if "error" in line:
            raise RuntimeError(line["error"])
    holder = DockerHost.from_url(manager_url, name="b-holder")
    lacking = DockerHost.from_url(worker_url, name="a-lacking")  # first by name: load and name alone pick it

    def first_ready(hosts: list[DockerHost], **settings: Any) -> tuple[float, str]:
        with contextlib.suppress(docker.errors.ImageNotFound):
            worker.images.remove(pushed)
        prov = provisioner(jenkins_url, hosts, pushed, f"bench-{uuid.uuid4().hex[:8]}", **settings)
        try:
            started = time.perf_counter()
            agent = prov.provision("bench")
            elapsed = time.perf_counter() - started
            prov.release(agent.node)
            return elapsed, agent.host
        finally:
            prov.close()

    cases = {
        "worker lacking the image": lambda: first_ready([lacking]),
        "node holding the image": lambda: first_ready([holder]),
        "both, locality-aware": lambda: first_ready([lacking, holder]),
        "both, locality off": lambda: first_ready([lacking, holder], locality=False),
    }
    result: dict[str, Any] = {}
    try:
        for name, case in cases.items():
            runs = [case() for _ in range(args.locality_rounds)]
            result[name] = {"seconds_median": statistics.median(s for s, _ in runs), "host": runs[-1][1]}
    finally:
        for client in (worker, manager):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(pushed)
        delete_from_registry(registry, pushed)
        worker.close()
        manager.close()
    return result


def delete_from_registry(registry: str, reference: str) -> None:
    repository, _, tag = reference.removeprefix(registry + "/").rpartition(":")
    accept = "application/vnd.docker.distribution.manifest.v2+json"
    head = urllib.request.Request(f"http://{registry}/v2/{repository}/manifests/{tag}", method="HEAD",
                                  headers={"Accept": accept})  # fmt: skip
    with urllib.request.urlopen(head, timeout=30) as answer:
        digest = answer.headers["Docker-Content-Digest"]
    delete = urllib.request.Request(f"http://{registry}/v2/{repository}/manifests/{digest}", method="DELETE")
    urllib.request.urlopen(delete, timeout=30).close()


def leftovers(env: dict[str, str]) -> int:
    count = 0
    for url in env["JDS_SWARM_NODES"].split(","):
        client = docker.DockerClient(base_url=url, version="1.41")
        try:
            for entry in client.api.containers(all=True, filters={"label": FARM}):
                if entry["Labels"].get(FARM, "").startswith("bench-"):
                    count += 1
        finally:
            client.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--locality-rounds", type=int, default=1)
    parser.add_argument("--skip-locality", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("run as root (the harness engines' sockets are root's)")
    env = harness()
    with MockJenkins("http://127.0.0.1", crumbs=False).serve() as server:
        results: dict[str, Any] = {"lifecycle": lifecycle(env, server.url, args)}
        if not args.skip_locality:
            results["locality"] = locality(env, server.url, args)
    results["leftover containers"] = leftovers(env)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    life = results["lifecycle"]
    print(f"(a) {args.agents} agents, medians of {args.rounds} interleaved rounds")
    for name, row in life.items():
        if name.startswith("ratio"):
            continue
        wall, low, used = row["wall_median"], row["wall_min"], row["cpu_median"]
        print(f"    {name:<22} wall {wall:6.2f} s (min {low:.2f})  cpu {used:6.2f} s")
    for name, value in life.items():
        if name.startswith("ratio"):
            print(f"    {name:<22} {value:.2f}x (target <= 1.25x)")
    for name, row in results.get("locality", {}).items():
        print(f"(b) {name:<26} first agent ready in {row['seconds_median']:6.2f} s on {row['host']}")
    print(f"leftover containers: {results['leftover containers']}")


if __name__ == "__main__":
    main()
