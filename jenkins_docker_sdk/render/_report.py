"""report.json: what a render wrote, each job's templates, the content hash of every file."""

from __future__ import annotations

import json
from typing import Any

from jenkins_docker_sdk.model import Farm

REPORT = "report.json"
GENERATOR = "jenkins-docker-sdk"


def build_report(farm: Farm, hashes: dict[str, str]) -> dict[str, Any]:
    """The report: what was generated, each job's templates, and warnings."""
    return {
        "generator": GENERATOR,
        "summary": {
            "teams": len(farm.teams),
            "repos": len(farm.repos),
            "templates": len(farm.templates),
            "jobs": len(farm.jobs),
        },
        "templates": [
            {
                "name": t.name,
                "image": t.image,
                "labels": sorted(t.labels),
                "connector": t.connector,
                "mode": t.mode,
                "repo": t.repo,
                "docker_socket": t.docker_socket,
            }
            for t in farm.templates
        ],
        # every team with a repository in this render, jobs or not: jds apply --prune does not
        # delete the managed jobs of a team missing here unless told to (--prune-team)
        "teams": list(farm.teams),
        "jobs": [
            {
                "name": job.full_name,
                "label": str(job.label),
                "templates": [t.name for t in farm.bindings[job.full_name]],
                "docker": job.docker,
            }
            for job in sorted(farm.jobs, key=lambda j: j.full_name)
        ],
        "files": dict(sorted(hashes.items())),
        "warnings": list(farm.warnings),
    }


def report_text(report: dict[str, Any]) -> str:
    """``report`` as JSON with one line per key and per entry of a list or mapping.

    As readable and diffable as indented JSON (one job, template or file per line), and
    twice as fast to write for a large farm: each line is encoded by the C encoder, which
    ``json.dumps`` only uses without ``indent``.
    """
    lines = ["{"]
    for n, key in enumerate(sorted(report)):
        value = report[key]
        end = "," if n < len(report) - 1 else ""
        if isinstance(value, dict) and value:
            items = sorted(value.items())
            lines.append(f"  {json.dumps(key)}: {{")
            lines.extend(f"    {json.dumps(k)}: {_compact(v)}," for k, v in items[:-1])
            lines.append(f"    {json.dumps(items[-1][0])}: {_compact(items[-1][1])}")
            lines.append("  }" + end)
        elif isinstance(value, list) and value:
            lines.append(f"  {json.dumps(key)}: [")
            lines.extend(f"    {_compact(item)}," for item in value[:-1])
            lines.append(f"    {_compact(value[-1])}")
            lines.append("  ]" + end)
        else:
            lines.append(f"  {json.dumps(key)}: {_compact(value)}{end}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_compact = json.JSONEncoder(sort_keys=True, separators=(", ", ": ")).encode  # one encoder, reused
