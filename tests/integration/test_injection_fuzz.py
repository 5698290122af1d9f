"""Adversarial data lands as one literal, and the generated program's structure never changes.

Proven with the real Groovy parser: every fuzzed render must compile, have the same AST
shape as a render of benign data, and carry each fuzzed value as an exact string constant.
YAML and XML outputs are parsed back and compared with the values that went in.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk import (
    AgentTemplate,
    CloudSettings,
    CredentialBinding,
    Farm,
    FarmSettings,
    GitSource,
    JobSpec,
    Renderer,
    TeamRepo,
    Triggers,
)
from jenkins_docker_sdk.labels import Atom
from jenkins_docker_sdk.render import SEED
from jenkins_docker_sdk.render._escaping import groovy_string
from tests.support.dsl_calls import run_seed, seed_job
from tests.support.groovy import GroovyChecker

pytestmark = pytest.mark.groovy

TOKENS = [
    "'", '"', "\\", "$", "${", "}", "${System.exit(1)}", "\\u0027", "\\\\u0027", "\\u005c", "\\u000a",
    "\n", "\t", "//", "/*", "*/", "'''", '"""', "');", "') { sh('id') }\n//", "#!", "\u2028", "\u00e9",
    "\U0001f600", "<!--", "]]>", "&amp;", "{{", "{%", "\\n", "$/", "/$",
]  # fmt: skip
CONTROL = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"] + ["\x7f"]


def adversarial(*, allow_newlines: bool = True, allow_control: bool = False) -> st.SearchStrategy[str]:
    """Strings built from injection tokens and random characters (never empty)."""
    tokens = [t for t in TOKENS if allow_newlines or not any(ch in t for ch in "\n\t\u2028")]
    if allow_control:
        tokens += CONTROL
    chars = st.characters(
        blacklist_categories=("Cs",) if allow_control else ("Cs", "Cc"),
        blacklist_characters="" if allow_newlines else "\n\t\u2028\u2029\x85",
    )
    piece = st.one_of(st.sampled_from(tokens), st.text(chars, min_size=1, max_size=4))
    return st.lists(piece, min_size=1, max_size=8).map("".join)


one_line = adversarial(allow_newlines=False)
multi_line = adversarial()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=adversarial(allow_control=True))
def test_a_groovy_literal_is_exactly_one_string_constant(value: str, groovy: GroovyChecker) -> None:
    benign = groovy.check_text(f"def v = {groovy_string('x')}\nprintln(v)\n")
    result = groovy.check_text(f"def v = {groovy_string(value)}\nprintln(v)\n")
    assert result["ok"], result["errors"]
    assert result["shape"] == benign["shape"]
    assert result["strings"][0] == value


def _farm(text: dict[str, str]) -> Farm:
    template = AgentTemplate(
        name="team-repo", team="team", repo="team/repo", image="registry.example.com/team/repo:1",
        labels=frozenset({"linux"}), user=text["user"], remote_fs=text["remote_fs"],
        memory_mb=1024, cpus=1.5,
    )  # fmt: skip
    job = JobSpec(
        team="team",
        name="job",
        repo="team/repo",
        description=text["description"],
        git=GitSource(url=text["url"], branch="main", credentials="git-creds"),
        label=Atom(text["label"]),  # any text, quoted as Jenkins would read it back
        steps=(text["step"], text["step2"]),
        credentials=(
            CredentialBinding(id="c1", type="string", variable="TOKEN"),
            CredentialBinding(
                id="c2", type="username_password", username_variable="U", password_variable="P"
            ),
        ),
        triggers=Triggers(cron=text["cron"], poll_scm=text["poll"]),
    )
    repo = TeamRepo(
        path=Path("team/repo"), team="team", name="repo", manifest=None, agent=template, jobs=(job,)
    )
    farm_settings = FarmSettings(
        jenkins_url=text["jenkins_url"], cloud=CloudSettings(name="cloud", docker_host=text["docker_host"])
    )
    return Farm(root=Path("."), settings=farm_settings, repos=(repo,), bindings={job.full_name: (template,)})


FIELDS = {
    "description": multi_line, "step": multi_line, "step2": multi_line, "url": one_line, "label": one_line,
    "cron": one_line, "poll": one_line, "user": one_line, "remote_fs": one_line, "jenkins_url": one_line,
    "docker_host": one_line,
}  # fmt: skip


def _render(farm: Farm, tmp: Path) -> dict[str, str]:
    files = dict(Renderer().render(farm))
    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text, encoding="utf-8")
    return files


def _compiled(files: dict[str, str], tmp: Path, groovy: GroovyChecker) -> dict[str, Any]:
    names = (SEED, "jobs/team/job.Jenkinsfile", "groovy/clouds.groovy")
    return {name: groovy.check(tmp / name) for name in names}


@pytest.fixture(scope="module")
def benign(groovy: GroovyChecker, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("benign")
    files = _render(_farm(dict.fromkeys(FIELDS, "v")), tmp)
    return _compiled(files, tmp, groovy)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.fixed_dictionaries(FIELDS))
def test_fuzzed_farm_renders_to_the_same_programs(
    text: dict[str, str],
    groovy: GroovyChecker,
    benign: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    tmp = tmp_path_factory.mktemp("fuzz")
    files = _render(_farm(text), tmp)
    compiled = _compiled(files, tmp, groovy)
    for name, result in compiled.items():
        assert result["ok"], (name, result["errors"])
        assert result["shape"] == benign[name]["shape"], name

    pipeline = compiled["jobs/team/job.Jenkinsfile"]["strings"]
    assert text["url"] in pipeline
    assert str(Atom(text["label"])) in pipeline
    step = text["step"]  # credentials are bound: a step runs untraced unless it names its own shell
    assert (step if step.startswith("#!") else "#!/bin/sh -e\n" + step) in pipeline
    # the seed is data: run on the stubs of Job DSL, it sets each value exactly
    seeded = seed_job(run_seed(groovy, tmp / SEED)["jobs"]["team/job"])
    assert seeded["script"] == files["jobs/team/job.Jenkinsfile"]
    assert seeded["description"].startswith(text["description"])
    assert (seeded["cron"], seeded["poll_scm"]) == (text["cron"], text["poll"])
    # and so are the cloud script's templates: it builds them with exactly these values
    cloud = groovy.compile(tmp / "groovy/clouds.groovy", "cloud", run=True)
    assert cloud["ok"], cloud["errors"]
    (built,) = cloud["result"]["runs"][0]["clouds"]
    assert built["dockerApi"]["dockerHost"]["uri"] == text["docker_host"]
    assert built["templates"][0]["remoteFs"] == text["remote_fs"]
    assert built["templates"][0]["connector"]["jenkinsUrl"] == text["jenkins_url"]
    assert built["templates"][0]["connector"]["user"] == (text["user"].split(":")[0] or "jenkins")

    config = ET.fromstring(files["jobs/team/job.config.xml"].encode("utf-8"))
    assert config.findtext("definition/script") == files["jobs/team/job.Jenkinsfile"]
    assert config.findtext("description", "").startswith(text["description"])
    # JCasC resolves ${...}: the text comes back with each ${ written ^${, JCasC's escape
    casc_text = {key: value.replace("${", "^${") for key, value in text.items()}
    casc = yaml.safe_load(files["casc/clouds.yaml"])["jenkins"]["clouds"][0]["docker"]
    assert casc["dockerApi"]["dockerHost"]["uri"] == casc_text["docker_host"]
    template = casc["templates"][0]
    assert template["remoteFs"] == casc_text["remote_fs"]
    user = casc_text["user"].split(":")[0] or "jenkins"  # USER user:group -> the user; none -> jenkins
    assert template["connector"]["jnlp"] == {"jenkinsUrl": casc_text["jenkins_url"], "user": user}
