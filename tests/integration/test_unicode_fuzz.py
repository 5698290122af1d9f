"""Any character a team can write reaches every output intact, or is refused where it was written.

Manifests are generated with values of every kind of code point, written as YAML escapes
(noncharacters, lone surrogates, C0 and C1 controls, bidirectional controls, line and
paragraph separators, characters outside the BMP): reading either refuses the value with
the manifest's file, line and column, or the render's XML parses, its Groovy compiles to
classes, and the value comes back unchanged from each.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk import Farm, FarmError, render_farm
from jenkins_docker_sdk.render import SEED_DATA
from tests.support.dsl_calls import shell_steps
from tests.support.groovy import GroovyChecker

pytestmark = pytest.mark.groovy

SPECIAL = [
    0x0, 0x7, 0x9, 0xA, 0xD, 0x1B, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xAD, 0x200B, 0x200E, 0x202A, 0x202E,
    0x2028, 0x2029, 0x2066, 0x2069, 0xD800, 0xDBFF, 0xDC00, 0xDFFF, 0xFDD0, 0xFDEF, 0xFEFF, 0xFFFD,
    0xFFFE, 0xFFFF, 0x1F600, 0x1FFFE, 0x1FFFF, 0xE0001, 0x10FFFD, 0x10FFFE, 0x10FFFF, 0x27, 0x5C, 0x24,
]  # fmt: skip
FIELDS = ("remote_fs", "description", "url", "step", "cron")
plain = st.one_of(
    st.integers(0x20, 0x7E), st.integers(0xA0, 0x10FFFF).filter(lambda p: not 0xD800 <= p <= 0xDFFF)
)


@st.composite
def manifests(draw: st.DrawFn) -> dict[str, list[int]]:
    """Plain values in every field; in about half the farms, special code points in one of them."""
    fields = {key: draw(st.lists(plain, min_size=1, max_size=10)) for key in FIELDS}
    if draw(st.booleans()):
        field = fields[draw(st.sampled_from(FIELDS))]
        for point in draw(st.lists(st.sampled_from(SPECIAL), min_size=1, max_size=2)):
            field.insert(draw(st.integers(0, len(field))), point)
    return fields


def _yaml_string(points: list[int]) -> str:
    """A double-quoted YAML scalar holding exactly these code points (escapes for all but plain ASCII)."""
    return (
        '"'
        + "".join(chr(p) if 0x20 <= p < 0x7F and chr(p) not in '"\\' else f"\\U{p:08x}" for p in points)
        + '"'
    )


def _farm(root: Path, fields: dict[str, list[int]]) -> Path:
    repo = root / "teamX" / "repo"
    repo.mkdir(parents=True)
    (repo / "Dockerfile").write_text(
        'FROM jenkins/inbound-agent:3283.v92c105e0f819-1-jdk17\nLABEL io.jenkins.agent.labels="linux"\n',
        encoding="utf-8",
    )
    (repo / "jenkins-docker.yml").write_text(
        f"agent:\n  remote_fs: {_yaml_string(fields['remote_fs'])}\n"
        "jobs:\n"
        "  - name: build\n"
        f"    description: {_yaml_string(fields['description'])}\n"
        f"    git: {{url: {_yaml_string(fields['url'])}}}\n"
        f"    steps: [{_yaml_string(fields['step'])}]\n"
        f"    triggers: {{cron: {_yaml_string(fields['cron'])}}}\n",
        encoding="utf-8",
    )
    return root


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=manifests())
def test_every_value_is_carried_or_refused_at_its_line(
    fields: dict[str, list[int]], groovy: GroovyChecker, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root = _farm(tmp_path_factory.mktemp("farm"), fields)
    try:
        farm = Farm.from_path(root)
    except FarmError as error:
        event("refused")
        for problem in error.problems:
            assert problem.location is not None
            assert problem.location.line is not None, str(problem)
            assert problem.location.column is not None, str(problem)
        return
    event("rendered")
    text = {key: "".join(map(chr, points)) for key, points in fields.items()}
    out = root.parent / "out"
    render_farm(farm, out)
    config = ET.parse(out / "jobs" / "teamX" / "build.config.xml").getroot()  # XML 1.0 carried it
    assert config.findtext("description", "").startswith(text["description"])
    assert config.findtext(".//hudson.triggers.TimerTrigger/spec") == text["cron"]
    seeded = json.loads((out / SEED_DATA).read_text(encoding="ascii"))["jobs"][0]
    assert seeded["description"].startswith(text["description"])
    pipeline = out / "jobs" / "teamX" / "build.Jenkinsfile"
    assert shell_steps(groovy, pipeline) == [text["step"]]
    cloud = groovy.compile(out / "groovy" / "clouds.groovy", "cloud", run=True)
    assert cloud["ok"], cloud["errors"]
    assert cloud["result"]["runs"][0]["clouds"][0]["templates"][0]["remoteFs"] == text["remote_fs"]
