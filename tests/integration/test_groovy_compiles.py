"""Every generated Groovy file compiles to classes with the real Groovy 2.4 that Jenkins embeds,
and does what the render says when run against stubs of the APIs it calls.

Class generation is where a controller refuses what parses fine: "Method too large" (a
method over 64 KiB of bytecode) and "String too long" (a constant over 65,535 bytes). The
stubs (tests/support/groovy_stubs) stand in for Job DSL, the Pipeline steps, Jenkins and
docker-plugin; a run records what the script asked of them.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from jenkins_docker_sdk import Farm, LabelExpression, render_farm, render_path
from jenkins_docker_sdk.render import SEED, Renderer, shell_steps
from jenkins_docker_sdk.render._escaping import GROOVY_LITERAL_LIMIT, groovy_literal, groovy_string
from tests.support.dsl_calls import run_seed, seed_job
from tests.support.dsl_calls import shell_steps as recorded_steps
from tests.support.groovy import GroovyChecker

pytestmark = pytest.mark.groovy
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def rendered(example_farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "out"
    render_farm(example_farm, out)
    return out


def _groovy_files(out: Path) -> dict[Path, str]:
    kinds = {out / SEED: "seed", out / "groovy" / "clouds.groovy": "cloud"}
    kinds.update(dict.fromkeys(sorted(out.glob("jobs/*/*.Jenkinsfile")), "pipeline"))
    return kinds


def test_every_generated_groovy_file_compiles_to_classes(rendered: Path, groovy: GroovyChecker) -> None:
    files = _groovy_files(rendered)
    assert len(files) == 2 + 11  # seed, cloud script, and one Jenkinsfile per job
    failures = {str(f): r["errors"] for f, kind in files.items() if not (r := groovy.compile(f, kind))["ok"]}  # type: ignore[arg-type]
    assert failures == {}
    assert set(rendered.rglob("*.groovy")) | set(rendered.rglob("*.Jenkinsfile")) == set(files)


def _config(rendered: Path, job: str) -> ET.Element:
    return ET.parse(rendered / "jobs" / f"{job}.config.xml").getroot()


def _triggers(config: ET.Element) -> tuple[str | None, str | None]:
    return config.findtext(".//hudson.triggers.TimerTrigger/spec"), config.findtext(
        ".//hudson.triggers.SCMTrigger/spec"
    )


def test_the_seed_creates_every_folder_and_job_as_their_config_xml(
    rendered: Path, example_farm: Farm, groovy: GroovyChecker
) -> None:
    items = run_seed(groovy, rendered / SEED)
    assert sorted(items["folders"]) == list(example_farm.teams)
    report = json.loads((rendered / "report.json").read_text(encoding="utf-8"))
    assert sorted(items["jobs"]) == [job["name"] for job in report["jobs"]]
    for name, body in items["jobs"].items():
        job = seed_job(body)
        config = _config(rendered, name)
        assert job["script"] == (rendered / "jobs" / f"{name}.Jenkinsfile").read_text(encoding="utf-8")
        assert job["script"] == config.findtext("definition/script")
        assert job["description"] == config.findtext("description")
        assert (job["cron"], job["poll_scm"]) == _triggers(config)
        assert job["log_keep"] == int(config.findtext(".//numToKeep") or 0)
        assert job["sandbox"] == 1


def test_the_seed_asks_for_its_file_when_given_as_text(rendered: Path, groovy: GroovyChecker) -> None:
    result = groovy.compile(rendered / SEED, "seed", run=True)  # no __FILE__: pasted into the job
    assert not result["ok"]
    assert "run this seed from its file in the workspace" in result["errors"][0]["message"]


def test_the_seed_is_the_same_script_for_every_farm(rendered: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    render_farm(Farm.from_path(BENCHMARKS.parent / "examples" / "farm"), other)
    assert (other / SEED).read_bytes() == (rendered / SEED).read_bytes() == Renderer().seed_script().encode()


def test_each_jenkinsfile_runs_the_steps_of_its_manifest(
    rendered: Path, example_farm: Farm, groovy: GroovyChecker
) -> None:
    for job in example_farm.jobs:
        pipeline = rendered / "jobs" / job.team / f"{job.name}.Jenkinsfile"
        assert recorded_steps(groovy, pipeline) == shell_steps(job), job.full_name


def _cloud_runs(groovy: GroovyChecker, script: Path) -> dict[str, Any]:
    result = groovy.compile(script, "cloud", run=True, runs=2)
    assert result["ok"], result["errors"]
    return result["result"]  # type: ignore[no-any-return]


def test_the_cloud_script_builds_the_templates_of_clouds_yaml_once(
    rendered: Path, groovy: GroovyChecker
) -> None:
    result = _cloud_runs(groovy, rendered / "groovy" / "clouds.groovy")
    first, second = result["runs"]
    assert first["saves"] == 1
    assert second["saves"] == 1  # the second run changes nothing
    assert second["clouds"] == first["clouds"]
    assert result["printed"].splitlines()[1] == "jenkins-docker-sdk: cloud docker-farm is up to date"
    (cloud,) = first["clouds"]
    casc = yaml.safe_load((rendered / "casc" / "clouds.yaml").read_text(encoding="utf-8"))
    expected = casc["jenkins"]["clouds"][0]["docker"]
    assert cloud["name"] == expected["name"]
    assert cloud["containerCap"] == expected["containerCap"]
    assert cloud["dockerApi"]["dockerHost"]["uri"] == expected["dockerApi"]["dockerHost"]["uri"]
    built = [
        (t["name"], t["labelString"], t["dockerTemplateBase"]["image"], t["remoteFs"], t["mode"])
        for t in cloud["templates"]
    ]
    wanted = [
        (t["name"], t["labelString"], t["dockerTemplateBase"]["image"], t["remoteFs"], t["mode"])
        for t in expected["templates"]
    ]
    assert built == wanted


def test_class_generation_finds_what_parsing_does_not(groovy: GroovyChecker, tmp_path: Path) -> None:
    """The checks can fail: the two limits the old seed ran into, caught; the pieces compile."""
    long_method = tmp_path / "long.groovy"
    long_method.write_text("".join(f"println('{n}')\n" for n in range(8000)), encoding="utf-8")
    assert groovy.check(long_method)["ok"]  # parses
    result = groovy.compile(long_method, "cloud")
    assert not result["ok"]
    assert "Method too large" in result["errors"][0]["message"]
    fine = tmp_path / "fine.groovy"
    fine.write_text("println('fine')\n", encoding="utf-8")
    failures = groovy.compile_many([fine, long_method, fine], "cloud")
    assert list(failures) == [long_method]

    # Groovy refuses a constant of over 65,535 UTF-16 units, the JVM one of over 65,535 bytes
    value = "\U0001f600x" * (GROOVY_LITERAL_LIMIT * 2)  # 60,000 units, 140,000 bytes of modified UTF-8
    for text, refusal in (("x" * 70_000, "String too long"), (value, "UTF8 string too large")):
        too_long = tmp_path / "too_long.groovy"
        too_long.write_text(f"println({groovy_literal(text)})\n", encoding="utf-8")
        assert refusal in groovy.compile(too_long, "cloud")["errors"][0]["message"]
    split = tmp_path / "split.groovy"
    split.write_text(f"out.print({groovy_string(value)})\n", encoding="utf-8")
    result = groovy.compile(split, "cloud", run=True)
    assert result["ok"], result["errors"]
    assert result["result"]["printed"] == value


# --- at farm scale, and at the limits -------------------------------------------------------------


@pytest.fixture(scope="module")
def benchmark_farm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The render benchmark's farm: 3,500 jobs in 1,200 repositories of 40 teams."""
    spec = importlib.util.spec_from_file_location("jds_render_benchmark", BENCHMARKS / "render.py")
    assert spec is not None
    assert spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = benchmark  # under a name of its own: its dataclasses look it up there
    spec.loader.exec_module(benchmark)
    root = tmp_path_factory.mktemp("benchmark") / "farm"
    benchmark.write_farm(benchmark.make_farm(3500, 1200, 40), root)
    out = root.parent / "out"
    render_path(root, out)
    return out


@pytest.mark.slow
def test_the_seed_of_the_3500_job_benchmark_farm_runs(benchmark_farm: Path, groovy: GroovyChecker) -> None:
    items = run_seed(groovy, benchmark_farm / SEED)
    report = json.loads((benchmark_farm / "report.json").read_text(encoding="utf-8"))
    assert len(items["jobs"]) == len(report["jobs"]) == 3500
    for name, body in items["jobs"].items():
        assert seed_job(body)["script"] == (benchmark_farm / "jobs" / f"{name}.Jenkinsfile").read_text(
            encoding="utf-8"
        )


@pytest.mark.slow
def test_every_jenkinsfile_of_the_benchmark_farm_compiles_to_classes(
    benchmark_farm: Path, groovy: GroovyChecker
) -> None:
    pipelines = sorted(benchmark_farm.glob("jobs/*/*.Jenkinsfile"))
    assert len(pipelines) == 3500
    assert groovy.compile_many(pipelines, "pipeline") == {}


@pytest.mark.slow
def test_the_cloud_script_of_the_benchmark_farm_runs(benchmark_farm: Path, groovy: GroovyChecker) -> None:
    report = json.loads((benchmark_farm / "report.json").read_text(encoding="utf-8"))
    (cloud,) = _cloud_runs(groovy, benchmark_farm / "groovy" / "clouds.groovy")["runs"][0]["clouds"]
    assert [t["name"] for t in cloud["templates"]] == [t["name"] for t in report["templates"]]


@pytest.mark.slow
def test_the_cloud_script_of_1200_templates_runs(tmp_path: Path, groovy: GroovyChecker) -> None:
    from tests.support.farms import farm_of_templates

    farm = farm_of_templates(1200)
    script = tmp_path / "clouds.groovy"
    script.write_text(Renderer().cloud_script(farm), encoding="utf-8")
    (cloud,) = _cloud_runs(groovy, script)["runs"][0]["clouds"]
    assert [t["name"] for t in cloud["templates"]] == [t.name for t in farm.templates]
    assert [t["labelString"] for t in cloud["templates"]] == [t.label_string for t in farm.templates]


def test_values_of_any_size_reach_the_controller_exactly(tmp_path: Path, groovy: GroovyChecker) -> None:
    """A step, a description, a URL and a work directory far over the JVM's constant limit."""
    from tests.support.farms import farm_with_values

    big = "é\U0001f600'\\u0027${x}\n" * 40_000  # 400,000 code points, 1.5 MB of modified UTF-8
    line = big.replace("\n", " ")
    farm = farm_with_values(description=big, step=big, url=line, remote_fs="/" + line)
    out = tmp_path / "out"
    render_farm(farm, out)
    for path, kind in _groovy_files(out).items():
        assert (result := groovy.compile(path, kind))["ok"], (path, result["errors"])  # type: ignore[arg-type]
    (job,) = farm.jobs
    body = run_seed(groovy, out / SEED)["jobs"][job.full_name]
    assert seed_job(body)["description"].startswith(big)
    assert recorded_steps(groovy, out / "jobs" / job.team / f"{job.name}.Jenkinsfile") == shell_steps(job)
    (cloud,) = _cloud_runs(groovy, out / "groovy" / "clouds.groovy")["runs"][0]["clouds"]
    assert cloud["templates"][0]["remoteFs"] == "/" + line


def test_the_checker_reports_syntax_errors_with_line_and_column(groovy: GroovyChecker) -> None:
    result = groovy.check_text("node('a') {\n    sh('x'\n}\n")
    assert not result["ok"]
    assert result["errors"][0]["line"] == 3


def test_bindings_of_every_type_and_shape_compile_and_run(groovy: GroovyChecker, tmp_path: Path) -> None:
    """Every credential type, with and without its optional variables, in one job and alone."""
    from jenkins_docker_sdk.model import CredentialBinding, GitSource, JobSpec
    from tests.support.dsl_calls import find

    shapes = [
        CredentialBinding("s", "string", variable="S"),
        CredentialBinding("f", "file", variable="F"),
        CredentialBinding("u", "username_password", username_variable="U", password_variable="P"),
        CredentialBinding("k1", "ssh_key", variable="K1"),
        CredentialBinding("k2", "ssh_key", variable="K2", username_variable="KU", passphrase_variable="KP"),
        CredentialBinding("c1", "certificate", variable="C1"),
        CredentialBinding("c2", "certificate", variable="C2", password_variable="CP"),
    ]
    renderer = Renderer()
    jobs = [(shapes, ()), *(([shape], ("make", "#!/bin/bash -e\nmake")) for shape in shapes)]
    for number, (bindings, steps) in enumerate(jobs):
        job = JobSpec(
            team="t",
            name=f"j{number}",
            repo="r",
            label=LabelExpression.parse("linux"),
            git=GitSource("git@h:x.git", "main", "k1"),
            steps=steps,
            credentials=tuple(bindings),
        )
        path = tmp_path / f"j{number}.Jenkinsfile"
        path.write_text(renderer.pipeline(job), encoding="utf-8")
        result = groovy.compile(path, "pipeline", run=True)
        assert result["ok"], result["errors"]
        (with_credentials,) = find(result["result"]["calls"], "withCredentials")
        bound = with_credentials["args"][0]
        assert [b["args"][0]["credentialsId"] for b in bound] == [b.id for b in bindings]
        for recorded, binding in zip(bound, bindings, strict=True):
            assert set(recorded["args"][0].values()) == {binding.id, *binding.variables}
