#!/usr/bin/env python3
"""Label resolution speed: LabelResolver against evaluating every expression on every template.

Standalone: run it with the Python that has jenkins-docker-sdk installed. It generates
agent templates with realistic label sets (operating system, toolchains, architecture,
team, the template's own name) and distinct label expressions over those labels and a few
unknown ones (``&&``, ``||``, ``!``, ``->``, ``<->``, parentheses, quoted atoms), then, in
one process:

- ours: a fresh ``LabelResolver`` (index built inside the timing) resolving every
  expression from its text (parsing included), taking each expression's winner; then
  the same with every ordered tuple of matching templates materialised;
- naive: ``LabelExpression.parse`` of every expression and ``matches()`` on every template.

Both must give the same templates in the same order for every expression (checked after
timing). Nothing is written to disk.

    python benchmarks/labels.py [--templates 1000 --expressions 10000 --runs 5 --seed 7] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import TypeVar

from jenkins_docker_sdk import AgentTemplate, LabelExpression, LabelResolver
from jenkins_docker_sdk.model import Mode

T = TypeVar("T")

OPERATING_SYSTEMS = ("linux", "centos7", "debian12", "ubuntu22", "alpine", "windows", "macos")
TOOLCHAINS = (
    ("java", "java17", "maven"), ("java", "java21", "gradle"), ("java", "java11", "ant"),
    ("node18", "web"), ("node20", "web", "yarn"), ("python3.11", "pip"), ("python3.12", "poetry"),
    ("go1.22",), ("go1.21",), ("rust", "cargo"), ("dotnet8",), ("android", "sdk34", "java17"),
    ("gcc13", "cmake"), ("clang17", "cmake", "ninja"), ("ruby3.3", "bundler"), ("php8.3",),
)  # fmt: skip
EXTRAS = ("docker", "gpu", "cuda12", "large", "fips", "chrome", "firefox", "terraform", "helm")
ARCHES = ("amd64", "arm64")
UNKNOWN = ("sparc", "solaris", "Java", "pyhton3.11", "legacy", "teamZ")
QUOTED = ('"build farm"', '"team07"', '"java"', '"a:b"')


def make_templates(count: int, rng: random.Random) -> list[AgentTemplate]:
    """Templates with an OS, one or two toolchains, an architecture, a team, extras and their name."""
    templates = []
    for i in range(count):
        team = f"team{rng.randrange(40):02d}"
        labels = {rng.choice(OPERATING_SYSTEMS), rng.choice(ARCHES), team, f"agent-{i:04d}"}
        for toolchain in rng.sample(TOOLCHAINS, rng.choice((1, 1, 2))):
            labels.update(toolchain)
        labels.update(rng.sample(EXTRAS, rng.choice((0, 0, 1, 2))))
        mode: Mode = "normal" if rng.random() < 0.1 else "exclusive"
        name = f"{team}/agent-{i:04d}"
        template = AgentTemplate(name=name.replace("/", "-"), team=team, repo=name, image=name, labels=labels,
                                 mode=mode)  # fmt: skip
        templates.append(template)
    return templates


def make_expressions(count: int, templates: list[AgentTemplate], rng: random.Random) -> list[str]:
    """``count`` distinct expression texts, each mostly over the labels of one template.

    Like a job asking for its team's agent, most expressions can be served; ``!``, ``||``
    and ``->`` make some match hundreds of templates, and unknown atoms make some match none.
    """
    pool = sorted({label for t in templates for label in t.labels if not label.startswith("agent-")})

    def atom(focus: list[str]) -> str:
        roll = rng.random()
        if roll < 0.03:
            return rng.choice(UNKNOWN)
        if roll < 0.06:
            return rng.choice(QUOTED)
        if roll < 0.3:
            return rng.choice(pool)
        return rng.choice(focus)

    def term(depth: int, focus: list[str]) -> str:
        roll = rng.random()
        if depth > 2 or roll < 0.4:
            return atom(focus)
        if roll < 0.5:
            return "!" + (atom(focus) if rng.random() < 0.7 else f"({term(depth + 1, focus)})")
        if roll < 0.85:
            parts = [term(depth + 1, focus) for _ in range(rng.choice((2, 2, 3)))]
            return "(" + f" {rng.choice(('&&', '&&', '||'))} ".join(parts) + ")"
        return f"({term(depth + 1, focus)} {rng.choice(('->', '<->'))} {term(depth + 1, focus)})"

    seen: dict[str, None] = {}
    while len(seen) < count:
        focus = sorted(rng.choice(templates).labels)
        shape = rng.random()
        if shape < 0.5:
            text = " && ".join(term(1, focus) for _ in range(rng.choice((1, 2, 3, 4))))
        elif shape < 0.8:
            text = f"{term(1, focus)} && ({term(1, focus)} || {term(1, focus)})"
        else:
            text = f"{term(0, focus)} {rng.choice(('||', '->', '<->'))} {term(0, focus)}"
        seen.setdefault(text, None)
    return list(seen)


def ours_first(templates: list[AgentTemplate], texts: list[str]) -> list[AgentTemplate | None]:
    resolver = LabelResolver(templates)
    return [resolver.resolve(text).first for text in texts]


def ours_all(templates: list[AgentTemplate], texts: list[str]) -> list[tuple[AgentTemplate, ...]]:
    resolver = LabelResolver(templates)
    return [resolver.resolve(text).templates for text in texts]


def naive(templates: list[AgentTemplate], texts: list[str]) -> list[tuple[AgentTemplate, ...]]:
    results = []
    for text in texts:
        expression = LabelExpression.parse(text)
        results.append(tuple(t for t in templates if expression.matches(t.labels)))
    return results


def timed(function: Callable[[], T], runs: int) -> tuple[list[float], T]:
    """Seconds taken by each of ``runs`` calls, and the last call's result."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return samples, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=1000, help="agent templates")
    parser.add_argument("--expressions", type=int, default=10000, help="distinct label expressions")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of ours (the naive way runs once)")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the generated data")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()
    if min(args.templates, args.expressions, args.runs) < 1:
        parser.error("--templates, --expressions and --runs must be at least 1")

    rng = random.Random(args.seed)
    templates = make_templates(args.templates, rng)
    texts = make_expressions(args.expressions, templates, rng)

    first_samples, firsts = timed(lambda: ours_first(templates, texts), args.runs)
    all_samples, ours = timed(lambda: ours_all(templates, texts), args.runs)
    naive_samples, reference = timed(lambda: naive(templates, texts), 1)

    assert ours == reference, "LabelResolver and the naive evaluation disagree"
    assert firsts == [matched[0] if matched else None for matched in reference]
    matched = [len(m) for m in reference]

    result = {
        "benchmark": "labels",
        "python": sys.version.split()[0],
        "templates": len(templates),
        "expressions": len(texts),
        "distinct_labels": len({label for t in templates for label in t.labels}),
        "runs": args.runs,
        "matching_templates_mean": statistics.fmean(matched),
        "unsatisfied_expressions": sum(1 for m in matched if not m),
        "ours_first_s": {"median": statistics.median(first_samples), "min": min(first_samples)},
        "ours_all_s": {"median": statistics.median(all_samples), "min": min(all_samples)},
        "naive_s": naive_samples[0],
        "ratio_naive_over_ours_first": naive_samples[0] / statistics.median(first_samples),
        "ratio_naive_over_ours_all": naive_samples[0] / statistics.median(all_samples),
        "target_s": 1.0,
    }
    if not args.json:
        print(f"{len(texts)} distinct expressions against {len(templates)} templates "
              f"({result['distinct_labels']} distinct labels; on average "
              f"{result['matching_templates_mean']:.1f} templates match, "
              f"{result['unsatisfied_expressions']} expressions match none)")  # fmt: skip
        print(f"{'':44}{'median':>9}{'min':>9}")
        print(f"{'LabelResolver, winner of each':<44}{statistics.median(first_samples):>8.3f}s"
              f"{min(first_samples):>8.3f}s")  # fmt: skip
        print(f"{'LabelResolver, every match in order':<44}{statistics.median(all_samples):>8.3f}s"
              f"{min(all_samples):>8.3f}s")  # fmt: skip
        print(f"{'naive: parse, matches() on every template':<44}{naive_samples[0]:>8.3f}s  (one run)")
        print(f"ratio naive / LabelResolver: {result['ratio_naive_over_ours_first']:.0f}x (winner), "
              f"{result['ratio_naive_over_ours_all']:.0f}x (every match); target: under 1 s")  # fmt: skip
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
