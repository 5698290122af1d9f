"""Reading what a generated script did when run against the Groovy stubs (jds.stub.Recorder)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.support.groovy import GroovyChecker

Call = dict[str, Any]  # {"name", "args", "body"}


def walk(calls: list[Call]) -> Iterator[Call]:
    """Every call, depth first, in the order made."""
    for call in calls:
        yield call
        yield from walk(call["body"])


def find(calls: list[Call], name: str) -> list[Call]:
    """The calls named ``name`` anywhere below ``calls``."""
    return [call for call in walk(calls) if call["name"] == name]


def only_arg(calls: list[Call], name: str) -> Any:
    """The single argument of the single call named ``name`` below ``calls``, or None."""
    found = find(calls, name)
    assert len(found) <= 1, f"{name} called {len(found)} times"
    return found[0]["args"][0] if found else None


def run_seed(groovy: GroovyChecker, seed: Path) -> dict[str, Any]:
    """Run a Job DSL seed from its file (as 'Look on Filesystem' does): folders and jobs by name."""
    result = groovy.compile(seed, "seed", run=True, binding={"__FILE__": str(seed)})
    assert result["ok"], result["errors"]
    items: dict[str, Any] = {"folders": {}, "jobs": {}}
    for call in result["result"]["calls"]:
        kind = {"folder": "folders", "pipelineJob": "jobs"}[call["name"]]
        name = call["args"][0]
        assert name not in items[kind], f"{name} created twice"
        items[kind][name] = call["body"]
    return items


def seed_job(body: list[Call]) -> dict[str, Any]:
    """What one pipelineJob block of a seed set."""
    return {
        "description": only_arg(body, "description"),
        "log_keep": only_arg(body, "numToKeep"),
        "cron": only_arg(find(body, "cron"), "spec"),
        "poll_scm": only_arg(body, "scmpoll_spec"),
        "script": only_arg(body, "script"),
        "sandbox": len(find(body, "sandbox")),
    }


def shell_steps(groovy: GroovyChecker, pipeline: Path) -> list[str]:
    """Run a Jenkinsfile against the Pipeline stubs: the scripts of its ``sh`` steps, in order."""
    result = groovy.compile(pipeline, "pipeline", run=True)
    assert result["ok"], (pipeline, result["errors"])
    return [call["args"][0] for call in find(result["result"]["calls"], "sh")]
