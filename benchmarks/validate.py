#!/usr/bin/env python3
"""Image validation speed: the whole gate on a realistic agent image against ``docker save``.

Standalone: run it with the Python that has jenkins-docker-sdk installed, with DOCKER_HOST
naming the engine (the test harness's: ``sudo scripts/docker-harness up``, then
``export $(grep JDS_DOCKER_HOST /var/lib/jds-harness/harness.env | sed 's/JDS_//')``).
It builds a jnlp agent FROM the harness's debootstrap bookworm base (openssh-server, git,
OpenJDK 17; about 460 MB) with a user, a workspace and an entrypoint, then, in one run,
alternating:

- floor: ``docker save IMAGE > /dev/null``, one read of every layer: what any tool that
  inspects every file must at least pay;
- jds: ``ImageValidator(policy=default, connector="jnlp").validate_image(IMAGE)``: every
  check (one streamed read: sizes, waste, secrets, setuid, file and metadata tests; then
  one probe container: the command tests and the agent-readiness probes).

It reports medians and the ratio jds / floor (target: at most 2). The image is removed
at the end.

    python benchmarks/validate.py [--runs 5] [--base IMAGE] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from jenkins_docker_sdk.clients.docker import client_from_env
from jenkins_docker_sdk.validation import ImageValidator, load_policy

HARNESS_ENV = Path(os.environ.get("JDS_HARNESS_DIR", "/var/lib/jds-harness")) / "harness.env"
TAG = "jds-bench/validate-agent:1"
AGENT = r"""
RUN useradd --create-home --uid 1000 jenkins \
 && mkdir -p /home/jenkins/agent && chown jenkins:jenkins /home/jenkins/agent \
 && printf '#!/bin/sh\nexec "$@"\n' > /usr/local/bin/jenkins-agent && chmod 755 /usr/local/bin/jenkins-agent
USER jenkins
WORKDIR /home/jenkins
ENTRYPOINT ["/usr/local/bin/jenkins-agent"]
"""


def harness_agent_image() -> str:
    for line in HARNESS_ENV.read_text(encoding="utf-8").splitlines():
        if line.startswith("JDS_TEST_AGENT_IMAGE="):
            return line.split("=", 1)[1]
    raise SystemExit(f"no JDS_TEST_AGENT_IMAGE in {HARNESS_ENV}: start the harness first")


def floor(image: str) -> float:
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["docker", "save", image], stdout=sink, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--base", help="the image to build FROM (default: the harness agent base)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    client = client_from_env()
    base = args.base or harness_agent_image()
    client.images.build(
        fileobj=io.BytesIO(f"FROM {base}\n{AGENT}".encode()), tag=TAG, rm=True, network_mode="none"
    )
    validator = ImageValidator(policy=load_policy(), connector="jnlp")
    try:
        size = client.images.get(TAG).attrs["Size"]
        report = validator.validate_image(TAG, client=client)
        if not report.ok:  # the benchmark image must pass, or it measures an early exit
            raise SystemExit(f"the benchmark image does not pass: {report.findings}")
        floors, ours = [], []
        for _ in range(args.runs):
            floors.append(floor(TAG))
            start = time.perf_counter()
            validator.validate_image(TAG, client=client)
            ours.append(time.perf_counter() - start)
    finally:
        client.images.remove(TAG, force=True)
        client.close()
    figures = {
        "image": base,
        "image_bytes": size,
        "checks": len(report.checks),
        "runs": args.runs,
        "floor_docker_save_s": statistics.median(floors),
        "jds_validate_s": statistics.median(ours),
        "floor_runs_s": floors,
        "jds_runs_s": ours,
    }
    figures["ratio"] = figures["jds_validate_s"] / figures["floor_docker_save_s"]
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
    else:
        print(f"image: {TAG} FROM {base}, {size / 1e6:.0f} MB, {len(report.checks)} checks")
        print(f"docker save > /dev/null   median {figures['floor_docker_save_s']:.2f} s  {floors}")
        print(f"jds validate (all checks) median {figures['jds_validate_s']:.2f} s  {ours}")
        print(f"ratio jds / floor: {figures['ratio']:.2f} (target: at most 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
