"""Every generated Groovy file compiles with the real Groovy 2.4 that Jenkins embeds."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm, render_farm
from tests.support.groovy import GroovyChecker

pytestmark = pytest.mark.groovy


@pytest.fixture(scope="module")
def rendered(example_farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("render") / "out"
    render_farm(example_farm, out)
    return out


def test_every_generated_groovy_file_compiles(rendered: Path, groovy: GroovyChecker) -> None:
    files = sorted([*rendered.rglob("*.groovy"), *rendered.rglob("*.Jenkinsfile")])
    assert len(files) == 2 + 11  # seed, cloud script, and one Jenkinsfile per job
    failures = {str(f): r["errors"] for f in files if not (r := groovy.check(f))["ok"]}
    assert failures == {}


def test_pipeline_in_config_xml_is_the_jenkinsfile(rendered: Path, groovy: GroovyChecker) -> None:
    for config in sorted(rendered.glob("jobs/*/*.config.xml")):
        script = ET.parse(config).getroot().findtext("definition/script")
        jenkinsfile = config.with_name(config.name.replace(".config.xml", ".Jenkinsfile"))
        assert script == jenkinsfile.read_text(encoding="utf-8")


def test_seed_inlines_each_jenkinsfile_as_one_literal(rendered: Path, groovy: GroovyChecker) -> None:
    strings = groovy.check(rendered / "jobs" / "seed.groovy")["strings"]
    for jenkinsfile in sorted(rendered.glob("jobs/*/*.Jenkinsfile")):
        assert jenkinsfile.read_text(encoding="utf-8") in strings


def test_the_checker_reports_syntax_errors_with_line_and_column(groovy: GroovyChecker) -> None:
    result = groovy.check_text("node('a') {\n    sh('x'\n}\n")
    assert not result["ok"]
    assert result["errors"][0]["line"] == 3


def test_bindings_of_every_type_and_shape_compile(groovy: GroovyChecker) -> None:
    """Every credential type, with and without its optional variables, in one job and alone."""
    from jenkins_docker_sdk.models import CredentialBinding, GitSource, JobSpec
    from jenkins_docker_sdk.render import Renderer

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
            label="linux",
            git=GitSource("git@h:x.git", "main", "k1"),
            steps=steps,
            credentials=tuple(bindings),
        )
        pipeline = renderer.pipeline(job)
        assert groovy.check_text(pipeline)["ok"], pipeline
        assert groovy.check_text(renderer.seed_job(job, pipeline))["ok"]
        assert pipeline.count("withCredentials([") == 1
        for binding in bindings:
            assert f"credentialsId: '{binding.id}'" in pipeline
            assert all(f"'{variable}'" in pipeline for variable in binding.variables)
