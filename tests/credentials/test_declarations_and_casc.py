"""Declared credentials: who may bind them, and the JCasC they render into (placeholders only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from jenkins_docker_sdk import Farm
from jenkins_docker_sdk.credentials.values import check_unique
from jenkins_docker_sdk.errors import FarmError, InputError
from jenkins_docker_sdk.model import FIELDS, Credential, variable
from jenkins_docker_sdk.render import Renderer, casc_entry
from jenkins_docker_sdk.render._escaping import casc_value

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "farm"


def _farm(tmp_path: Path, farm_yml: str, manifest: str) -> Path:
    (tmp_path / "farm.yml").write_text(farm_yml)
    repo = tmp_path / "teamX" / "repo"
    repo.mkdir(parents=True)
    (repo / "Dockerfile").write_text('FROM a/b:1\nLABEL io.jenkins.agent.labels="linux"\n')
    (repo / "jenkins-docker.yml").write_text(manifest)
    return tmp_path


def test_a_job_binds_its_team_credentials_and_the_shared_ones(tmp_path: Path) -> None:
    root = _farm(
        tmp_path,
        "credentials:\n  - {id: sonar, type: string, shared: true}\n",
        "credentials:\n  - {id: git, type: ssh_key}\n  - {id: token, type: string}\n"
        "jobs:\n  - name: build\n    git: {url: 'git@h:x.git', credentials: git}\n"
        "    credentials:\n      - {id: token, type: string, variable: TOKEN}\n"
        "      - {id: sonar, type: string, variable: SONAR}\n",
    )
    farm = Farm.from_path(root)
    assert [c.key for c in farm.settings.credentials] == ["sonar"]
    assert [c.key for c in farm.repos[0].credentials] == ["teamX/git", "teamX/token"]
    assert farm.repos[0].credentials[0].store == "teamX"
    assert farm.settings.credentials[0].store == ""
    pipeline = Renderer().pipeline(farm.jobs[0])
    assert "string(credentialsId: 'sonar', variable: 'SONAR')" in pipeline
    assert "credentialsId: 'git'" in pipeline


def test_example_farm_credentials_yaml_has_placeholders_only() -> None:
    farm = Farm.from_path(EXAMPLES)
    data = yaml.safe_load(Renderer().credentials_yaml(farm))
    entries = data["credentials"]["system"]["domainCredentials"][0]["credentials"]
    assert entries == [
        {"usernamePassword": {"scope": "GLOBAL", "id": "registry-pull",
                              "description": "Pulls agent images from registry.example.com",
                              "username": "${REGISTRY_PULL_USERNAME}",
                              "password": "${REGISTRY_PULL_PASSWORD}"}},
        {"string": {"scope": "GLOBAL", "id": "sonarqube-token",
                    "description": "Analysis token of sonar.example.com",
                    "secret": "${SONARQUBE_TOKEN_SECRET}"}},
    ]  # fmt: skip


def test_no_global_credentials_render_an_empty_list(tmp_path: Path) -> None:
    farm = Farm.from_path(_farm(tmp_path, "", "jobs:\n  - name: b\n"))
    data = yaml.safe_load(Renderer().credentials_yaml(farm))
    assert data == {"credentials": {"system": {"domainCredentials": [{"credentials": []}]}}}


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("string", {"string": {"secret": "${C_SECRET}"}}),
        ("username_password",
         {"usernamePassword": {"username": "${C_USERNAME}", "password": "${C_PASSWORD}"}}),
        ("ssh_key",
         {"basicSSHUserPrivateKey": {
             "username": "${C_USERNAME}", "passphrase": "${C_PASSPHRASE:-}",
             "privateKeySource": {"directEntry": {"privateKey": "${C_PRIVATE_KEY}"}}}}),
        ("file", {"file": {"fileName": "c", "secretBytes": "${base64:${C_CONTENT}}"}}),
        ("certificate",
         {"certificate": {
             "password": "${C_PASSWORD:-}",
             "keyStoreSource": {"uploaded": {"uploadedKeystore": "${C_KEYSTORE_BASE64}"}}}}),
    ],
)  # fmt: skip
def test_every_type_has_its_jcasc_symbol_and_placeholders(
    kind: str, expected: dict[str, dict[str, object]]
) -> None:
    entry = casc_entry(Credential(id="c", type=kind, scope="global"))  # type: ignore[arg-type]
    ((symbol, attributes),) = entry.items()
    ((want_symbol, want),) = expected.items()
    assert symbol == want_symbol
    assert {k: v for k, v in attributes.items() if k not in ("scope", "id", "description")} == want


def test_a_description_cannot_make_jcasc_resolve_a_variable() -> None:
    credential = Credential(id="c", type="string", scope="global", description="see ${ADMIN_PASSWORD}")
    rendered = casc_value(casc_entry(credential))
    assert yaml.safe_load(rendered) == {
        "string": {
            "scope": "GLOBAL",
            "id": "c",
            "description": "see ^${ADMIN_PASSWORD}",
            "secret": "${C_SECRET}",
        }
    }


def test_variable_names_of_folder_and_global_credentials() -> None:
    folder = Credential(id="deploy-token", type="string", team="teamB")
    assert variable(folder, FIELDS["string"][0]) == "TEAMB__DEPLOY_TOKEN_SECRET"
    assert variable(Credential(id="a.b", type="string", scope="global"), FIELDS["string"][0]) == "A_B_SECRET"


def test_ids_whose_variables_collide_are_refused() -> None:
    with pytest.raises(InputError, match="both take their values from variables named A_B_"):
        check_unique([Credential(id="a-b", type="string", scope="global"),
                      Credential(id="a.b", type="string", scope="global")])  # fmt: skip


@pytest.mark.parametrize(
    "step",
    [
        "set -x",
        "make && set -ex",
        "set -o xtrace",
        "#!/bin/bash -xe\nmake",
        "(set -x; make)",
        "set -e -x",
        "set +e -o xtrace",
    ],
)
def test_tracing_steps_are_refused_with_credentials(tmp_path: Path, step: str) -> None:
    manifest = (
        "credentials:\n  - {id: t, type: string}\njobs:\n  - name: b\n"
        f"    steps: [{json.dumps(step)}]\n"
        "    credentials:\n      - {id: t, type: string, variable: T}\n"
    )
    with pytest.raises(FarmError, match="turns on shell tracing"):
        Farm.from_path(_farm(tmp_path, "", manifest))


@pytest.mark.parametrize("step", ["make set-x", "echo 'reset -x'", "#!/bin/sh -e\nmake", "offset -x"])
def test_steps_that_do_not_trace_are_accepted(tmp_path: Path, step: str) -> None:
    manifest = (
        "credentials:\n  - {id: t, type: string}\njobs:\n  - name: b\n"
        f"    steps: [{json.dumps(step)}]\n"
        "    credentials:\n      - {id: t, type: string, variable: T}\n"
    )
    assert Farm.from_path(_farm(tmp_path, "", manifest)).jobs[0].steps == (step,)


@pytest.mark.parametrize(
    "name", ["PATH", "WORKSPACE", "BUILD_URL", "JOB_NAME", "NODE_NAME", "CI", "CHANGE_ID", "RUN_DISPLAY_URL",
             "GIT_PREVIOUS_COMMIT", "JENKINS_SECRET"],
)  # fmt: skip
def test_variables_jenkins_sets_are_refused(name: str) -> None:
    from jenkins_docker_sdk.model import names

    assert names.variable_name(name) == f"{name} is set by Jenkins itself; choose a name of your own"
    assert names.variable_name("DEPLOY_TOKEN") is None
    assert names.variable_name("LD_PRELOAD") == (
        "LD_PRELOAD changes how every program of the build runs; choose a name of your own"
    )


def test_credential_models_built_in_code_are_checked_too() -> None:
    with pytest.raises(ValueError, match="a credential id is"):
        Credential(id="bad id", type="string", team="t")
    with pytest.raises(ValueError, match="'type' must be in"):
        Credential(id="c", type="password", team="t")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="a folder credential has a team"):
        Credential(id="c", type="string")
    with pytest.raises(ValueError, match="only a global credential can be shared"):
        Credential(id="c", type="string", team="t", shared=True)
    with pytest.raises(ValueError, match="a line break"):
        Credential(id="c", type="string", scope="global", description="a\nb")
