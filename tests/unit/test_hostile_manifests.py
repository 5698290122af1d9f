"""Random YAML documents and random bytes as a team's manifest: jds answers, never crashes.

Every document (aliases and alias chains, tags, merge keys, nesting, escapes and raw control
characters, sizes) and every byte string makes ``jds check`` and ``jds render`` end with exit
code 0 or 2, never 3 and never a traceback; a farm check accepts, render renders. Hypothesis
drives the documents in-process; one farm of a few hundred such repositories is also read by
real ``jds`` processes under a generous timeout, the hang detector (no timing is asserted).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk.cli import main

DOCKERFILE = 'FROM jenkins/inbound-agent:latest\nLABEL io.jenkins.agent.labels="linux java"\n'
GOOD = "jobs: [{name: good, label: linux, steps: [make]}]\n"  # so that a farm always has a job

KEYS = ["jobs", "agent", "team", "credentials", "name", "label", "steps", "image", "labels", "dockerfile",
        "id", "type", "variable", "git", "url", "branch", "description", "docker", "triggers", "cron",
        "timeout_minutes", "connector", "mode", "instance_cap", "memory_mb", "cpus", "remote_fs", "<<",
        "x"]  # fmt: skip
SCALARS = ["build", "linux", "java", "make", "teamX", "teamx", "jnlp", "ssh", "string", "~", "null", "yes",
           "no", "0x1F", "0o17", "1e3", ".inf", ".nan", "-1", "0", "60", "2001-13-45", "2001-01-01",
           "1.5", "linux && java", "!linux", "a||b", "Dockerfile", "../../etc/passwd", "/etc/hostname",
           "registry.example.com/a/b:1", "H 3 * * 1-5", "https://u:p4ss-word@h.example.com/x"]  # fmt: skip
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!binary", "!!timestamp", "!!set", "!!omap",
        "!!pairs", "!!seq", "!!map", "!!python/object:os.system", "!local", "!!merge",
        "!<tag:yaml.org,2002:str>"]  # fmt: skip
ESCAPES = ["\\0", "\\x1b", "\\u2028", "\\u202e", "\\t", "\\n", "\\\\", '\\"', "\\uFFFF", "\\U0001F600"]
JOB_FIELDS = ["description", "git", "steps", "credentials", "docker", "triggers", "timeout_minutes", "label"]
AGENT_FIELDS = ["dockerfile", "image", "labels", "connector", "mode", "instance_cap", "remote_fs",
                "memory_mb", "cpus"]  # fmt: skip
RAW = ["\x00", "\x1b", "\ufeff", "\uffff", "\u2028", "\t", "\r", "\x85", "\ud7ff", "é"]


class _Writer:
    """Writes one random YAML-ish document; what it writes is often, not always, valid YAML."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.anchors: list[str] = []

    def node(self, depth: int) -> str:
        rng = self.rng
        roll = rng.random()
        if depth > 4 or roll < 0.35:
            text = self.scalar()
        elif roll < 0.5:
            text = "[" + ", ".join(self.node(depth + 1) for _ in range(rng.randint(0, 4))) + "]"
        elif roll < 0.65:
            pairs = (f"{rng.choice(KEYS)}: {self.node(depth + 1)}" for _ in range(rng.randint(0, 4)))
            text = "{" + ", ".join(pairs) + "}"
        elif roll < 0.75:
            return "*" + rng.choice(self.anchors) if self.anchors else self.scalar()
        elif roll < 0.76:
            return "*" + f"u{rng.randint(0, 9)}"  # undefined
        else:
            text = self.node(depth + 1)
        if rng.random() < 0.15:
            text = f"{rng.choice(TAGS)} {text}"
        if rng.random() < 0.15:
            anchor = f"a{len(self.anchors)}"
            self.anchors.append(anchor)
            text = f"&{anchor} {text}"
        return text

    def scalar(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.6:
            return rng.choice(SCALARS if rng.random() < 0.8 else KEYS)
        if roll < 0.85:
            body = "".join(rng.choice(["a", "b", " ", *ESCAPES]) for _ in range(rng.randint(0, 8)))
            return f'"{body}"'
        return "'" + rng.choice(SCALARS).replace("'", "''") + "'"

    def bomb(self) -> str:
        """An alias chain: each level lists the one before ``width`` times."""
        width, levels = self.rng.randint(2, 12), self.rng.randint(2, 9)
        lines = [f"b0: &b0 [{', '.join(['lol'] * width)}]"]
        lines += [f"b{n}: &b{n} [" + ", ".join([f"*b{n - 1}"] * width) + "]" for n in range(1, levels)]
        return "\n".join(lines)

    def manifest(self) -> str:
        """A manifest-shaped document: the schema's keys, values random or plausible."""
        rng = self.rng
        jobs = []
        for number in range(rng.randint(0, 3)):
            fields = [
                f"name: {rng.choice([f'job{number}', 'build', 'x' * rng.randint(1, 120), self.scalar()])}"
            ]
            fields += [f"{key}: {self.value(key)}" for key in rng.sample(JOB_FIELDS, rng.randint(0, 4))]
            if rng.random() < 0.1:
                fields.append(f"<<: {self.node(1)}")
            jobs.append("  - {" + ", ".join(fields) + "}")
        parts = ["jobs:\n" + "\n".join(jobs) if jobs else "jobs: []"]
        if rng.random() < 0.5:
            fields = [f"{key}: {self.value(key)}" for key in rng.sample(AGENT_FIELDS, rng.randint(0, 4))]
            parts.append("agent: {" + ", ".join(fields) + "}")
        if rng.random() < 0.3:
            parts.append(
                f"credentials: [{{id: {self.scalar()}, type: {rng.choice(['string', 'file', 'x'])}}}]"
            )
        if rng.random() < 0.2:
            parts.append(f"team: {rng.choice(['teamX', 'teamY', 'TEAMZ', 'a b', self.scalar()])}")
        rng.shuffle(parts)
        return "\n".join(parts) + "\n"

    def value(self, key: str) -> str:
        """A value for ``key``: mostly of the kind it takes, sometimes anything."""
        rng = self.rng
        if rng.random() < 0.15:
            return self.node(1)
        plausible = {
            "steps": f"[{self.scalar()}, make]",
            "labels": f"[{self.scalar()}, linux]",
            "git": f"{{url: {self.scalar()}, branch: {self.scalar()}}}",
            "triggers": f"{{cron: {self.scalar()}}}",
            "credentials": f"[{{id: {self.scalar()}, type: string, variable: TOKEN}}]",
            "docker": rng.choice(["true", "false", "yes"]),
        }
        return plausible.get(key, self.scalar())

    def document(self) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return self.mutate(self.manifest())
        parts = []
        for _ in range(rng.randint(0, 5)):
            roll = rng.random()
            if roll < 0.1:
                parts.append(self.bomb())
            elif roll < 0.15:
                depth = rng.choice([10, 63, 64, 65, 200, 999, 1001])
                parts.append(f"{rng.choice(KEYS)}: " + "[" * depth + "]" * depth)
            elif roll < 0.25:
                items = "".join(f"\n  - {self.node(1)}" for _ in range(rng.randint(1, 4)))
                parts.append(f"{rng.choice(KEYS)}:{items}")
            else:
                parts.append(f"{rng.choice(KEYS)}: {self.node(0)}")
        return self.mutate("\n".join(parts) + "\n")

    def mutate(self, text: str) -> str:
        rng = self.rng
        for _ in range(rng.choice([0, 0, 0, 0, 0, 1, 3])):  # raw characters YAML may refuse, anywhere
            at = rng.randint(0, len(text))
            text = text[:at] + rng.choice(RAW) + text[at:]
        if rng.random() < 0.05:
            text = rng.choice(["---\n", "%YAML 1.1\n---\n", "%YAML 9.9\n---\n", "--- |\n"]) + text
        if rng.random() < 0.05:
            text += "---\n" + text  # a second document
        return text


def document(rng: random.Random) -> bytes:
    """A random manifest; now and then re-encoded, truncated or with bytes flipped."""
    text = _Writer(rng).document()
    data = text.encode("utf-8", "surrogatepass")
    roll = rng.random()
    if roll < 0.05:
        data = text.encode("utf-16", "surrogatepass")
    elif roll < 0.1 and data:
        data = data[: rng.randint(0, len(data))]
    elif roll < 0.15 and data:
        spot = rng.randrange(len(data))
        data = data[:spot] + bytes([rng.randrange(256)]) + data[spot + 1 :]
    return data


def _farm(root: Path, manifests: list[bytes]) -> Path:
    good = root / "teamZ" / "good"
    good.mkdir(parents=True)
    (good / "Dockerfile").write_text(DOCKERFILE)
    (good / "jenkins-docker.yml").write_text(GOOD)
    for number, manifest in enumerate(manifests):
        repo = root / "teamX" / f"repo{number}"
        repo.mkdir(parents=True)
        (repo / "Dockerfile").write_text(DOCKERFILE)
        (repo / "jenkins-docker.yml").write_bytes(manifest)
    return root


def _check_and_render(farm: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    checked = main(["check", str(farm)])
    err = capsys.readouterr().err
    assert checked in (0, 2), err
    assert "internal error" not in err
    assert "Traceback" not in err
    rendered = main(["render", str(farm), "-o", str(out)])
    err = capsys.readouterr().err
    assert rendered == checked, err  # what check accepts renders; what it refuses, render refuses
    assert "internal error" not in err
    assert "Traceback" not in err


_SETTINGS = settings(
    max_examples=300,
    deadline=None,  # no timing is asserted; the subprocess test below is the hang detector
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_SETTINGS
@given(rng=st.randoms(use_true_random=False))
def test_a_random_yaml_manifest_is_answered_with_0_or_2(
    rng: random.Random, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path_factory.mktemp("farm")
    _check_and_render(_farm(root / "farm", [document(rng)]), root / "out", capsys)


@_SETTINGS
@given(data=st.binary(max_size=4096))
def test_random_bytes_as_a_manifest_are_answered_with_0_or_2(
    data: bytes, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path_factory.mktemp("farm")
    _check_and_render(_farm(root / "farm", [data]), root / "out", capsys)


@pytest.mark.slow
def test_real_processes_answer_hundreds_of_random_manifests_within_the_bound(tmp_path: Path) -> None:
    rng = random.Random(14)
    manifests = [document(rng) for _ in range(250)] + [rng.randbytes(rng.randint(0, 3000)) for _ in range(50)]
    farm = _farm(tmp_path / "farm", manifests)  # 301 repositories: read by worker processes too
    for args in (["check", str(farm)], ["render", str(farm), "-o", str(tmp_path / "out")]):
        result = subprocess.run(
            [sys.executable, "-m", "jenkins_docker_sdk", *args],
            capture_output=True,
            text=True,
            timeout=300,  # the bound: a hang (an alias bomb, a blocking read) fails here
            check=False,
        )
        assert result.returncode in (0, 2), result.stderr[-3000:]
        assert "Traceback" not in result.stderr
        assert "internal error" not in result.stderr
