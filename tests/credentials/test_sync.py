"""``jds credentials sync`` against MockJenkins through the real python-jenkins client."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
from jenkins_docker_sdk.credentials.masking import SecretMasker
from jenkins_docker_sdk.credentials.sources import (
    EnvSource,
    FileSource,
    MappingSource,
    StdinSource,
    parse_source,
)
from jenkins_docker_sdk.credentials.sync import SyncedCredential, farm_credentials, sync_credentials
from jenkins_docker_sdk.errors import InputError, JenkinsError
from jenkins_docker_sdk.testing import MockJenkins
from tests.conftest import EXAMPLE_FARM
from tests.credentials.conftest import CANARY

URL, TOKEN = "http://jenkins.test", "bot-token"
TEAMS = ("platform", "teamA", "teamB", "teamC", "teamD")


@pytest.fixture
def mock() -> MockJenkins:
    with MockJenkins(URL, users={"bot": TOKEN}) as jenkins_mock:
        for team in TEAMS:
            jenkins_mock.add_folder(team)
        yield jenkins_mock


def _client() -> JenkinsClient:
    return JenkinsClient(url=URL, user="bot", token=TOKEN, retry=RetryPolicy(retries=1, backoff=0))


def _sync(farm: Farm, values: dict[str, str]) -> list[SyncedCredential]:
    return sync_credentials(farm_credentials(farm), MappingSource(values), _client(), masker=SecretMasker())


def test_sync_creates_every_declared_credential_in_its_store(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    done = sync_credentials(
        farm_credentials(example_farm), MappingSource(canaries), _client(), masker=SecretMasker()
    )

    assert {d.action for d in done} == {"created"}
    stored = mock.credentials
    assert set(stored) == {
        "registry-pull", "sonarqube-token", "platform/platform-registry", "teamA/teamA-git",
        "teamA/teamA-npm-token", "teamA/teamA-staging", "teamB/teamB-git", "teamB/teamB-deploy-token",
        "teamB/teamB-artifactory", "teamB/teamB-ssh", "teamB/teamB-kubeconfig", "teamC/teamC-git",
        "teamC/teamC-model-store", "teamC/teamC-gcs", "teamD/teamD-git", "teamD/teamD-signing-key",
    }  # fmt: skip
    token = ET.fromstring(stored["teamB/teamB-deploy-token"].raw_config_xml)
    assert token.findtext("secret") == canaries["TEAMB__TEAMB_DEPLOY_TOKEN_SECRET"]
    assert stored["teamB/teamB-deploy-token"].class_name.endswith("StringCredentialsImpl")
    key = ET.fromstring(stored["teamD/teamD-signing-key"].raw_config_xml)
    assert key.findtext("privateKeySource/privateKey") == canaries["TEAMD__TEAMD_SIGNING_KEY_PRIVATE_KEY"]
    assert key.findtext("username") == canaries["TEAMD__TEAMD_SIGNING_KEY_USERNAME"]
    assert stored["teamC/teamC-gcs"].class_name.endswith("FileCredentialsImpl")
    assert "secret-redacted" in stored["registry-pull"].config_xml  # what Jenkins shows back
    assert CANARY not in stored["registry-pull"].config_xml
    assert stored["registry-pull"].description == "Pulls agent images from registry.example.com"


def test_a_second_sync_updates_and_only_writes_credentials(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    sync_credentials(
        farm_credentials(example_farm), MappingSource(canaries), _client(), masker=SecretMasker()
    )
    changed = {**canaries, "SONARQUBE_TOKEN_SECRET": CANARY + "-rotated"}
    mock.clear_request_log()

    done = sync_credentials(
        farm_credentials(example_farm), MappingSource(changed), _client(), masker=SecretMasker()
    )

    assert {d.action for d in done} == {"updated"}
    token = ET.fromstring(mock.credentials["sonarqube-token"].raw_config_xml)
    assert token.findtext("secret") == CANARY + "-rotated"
    paths = {r.path for r in mock.request_log if r.method == "POST"}
    assert all("/credentials/store/" in p for p in paths), paths
    assert "/credentials/store/system/domain/_/credential/sonarqube-token/config.xml" in paths
    assert "/job/teamB/credentials/store/folder/domain/_/credential/teamB-git/config.xml" in paths


def test_a_missing_value_stops_sync_before_any_request(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    partial = {k: v for k, v in canaries.items() if not k.startswith("TEAMC__TEAMC_GCS")}
    mock.clear_request_log()
    with pytest.raises(InputError) as caught:
        sync_credentials(
            farm_credentials(example_farm), MappingSource(partial), _client(), masker=SecretMasker()
        )
    text = str(caught.value)
    assert "has no value for TEAMC__TEAMC_GCS_CONTENT" in text
    assert "teamC/python-ml/jenkins-docker.yml" in text
    assert CANARY not in text
    assert mock.request_log == []
    assert mock.credentials == {}


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x7f"])
def test_a_control_character_in_a_value_stops_sync_before_any_request(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str], bad: str
) -> None:
    name = "TEAMB__TEAMB_DEPLOY_TOKEN_SECRET"
    assert name in canaries
    values = {**canaries, name: f"tok{bad}en"}
    mock.clear_request_log()
    with pytest.raises(InputError) as caught:
        sync_credentials(
            farm_credentials(example_farm), MappingSource(values), _client(), masker=SecretMasker()
        )
    text = str(caught.value)
    assert f"{name} holds the control character U+{ord(bad):04X} (character 4 of the value)" in text
    assert "tok" not in text
    assert mock.request_log == []
    assert mock.credentials == {}


def test_a_file_content_may_hold_any_character(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    values = {**canaries, "TEAMC__TEAMC_GCS_CONTENT": "line\x00\x1bbinary"}
    _sync(example_farm, values)  # sent in base64


def test_optional_values_may_be_missing(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    values = {k: v for k, v in canaries.items() if not k.endswith(("_PASSPHRASE", "_MODEL_STORE_PASSWORD"))}
    _sync(example_farm, values)
    key = ET.fromstring(mock.credentials["teamD/teamD-signing-key"].raw_config_xml)
    assert key.find("passphrase") is None


def test_a_folder_that_does_not_exist_is_a_masked_jenkins_error(
    example_farm: Farm, canaries: dict[str, str]
) -> None:
    masker = SecretMasker()
    with MockJenkins(URL, users={"bot": TOKEN}), pytest.raises(JenkinsError) as caught:
        sync_credentials(farm_credentials(example_farm), MappingSource(canaries), _client(), masker=masker)
    assert caught.value.status == 404
    assert "credentials store of folder platform" in str(caught.value)
    assert "jds apply creates the team folders" in str(caught.value)
    assert CANARY not in str(caught.value)


def test_a_server_error_that_echoes_the_value_is_masked(
    mock: MockJenkins, example_farm: Farm, canaries: dict[str, str]
) -> None:
    echoed = f"java.io.IOException: cannot store {canaries['REGISTRY_PULL_PASSWORD']}"
    mock.fail(
        "POST", "/credentials/store/system/domain/_/createCredentials", status=500, times=None, body=echoed
    )
    with pytest.raises(JenkinsError) as caught:
        sync_credentials(
            farm_credentials(example_farm), MappingSource(canaries), _client(), masker=SecretMasker()
        )
    assert "cannot store ****" in str(caught.value)
    assert CANARY not in str(caught.value)


def test_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    values = tmp_path / "values.yml"
    values.write_text("A_SECRET: one\nB_PRIVATE_KEY: |\n  -----BEGIN\n  line\n")
    values.chmod(0o600)
    assert FileSource.from_path(values).get("B_PRIVATE_KEY") == "-----BEGIN\nline\n"
    assert parse_source(f"file:{values}").get("A_SECRET") == "one"
    assert StdinSource.read(io.StringIO("A_SECRET: two\n")).get("A_SECRET") == "two"
    assert parse_source("-", stdin=io.StringIO("X: y\n")).get("X") == "y"
    monkeypatch.setenv("JDS_TEST_VALUE", "three")
    assert EnvSource().get("JDS_TEST_VALUE") == "three"
    assert EnvSource({"E": ""}).get("E") is None
    assert "values" not in repr(MappingSource({"A": "secret-value"}))
    assert "secret-value" not in repr(MappingSource({"A": "secret-value"}))


def test_bad_sources_are_input_errors(tmp_path: Path) -> None:
    values = tmp_path / "values.yml"
    values.write_text("A: 1\nB: s3cr3t-value\n")
    values.chmod(0o644)
    with pytest.raises(InputError, match="readable by others"):
        FileSource.from_path(values)
    values.chmod(0o600)
    with pytest.raises(InputError, match=r"values.yml:1:1: 'A': a value must be a string") as caught:
        FileSource.from_path(values)
    assert "s3cr3t" not in str(caught.value)
    with pytest.raises(InputError, match="accepted: env, stdin"):
        parse_source("vault:kv/x")


def test_cli_sync_from_a_file(
    mock: MockJenkins, canaries: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import yaml

    values = tmp_path / "values.yml"
    values.write_text(yaml.safe_dump(canaries))
    values.chmod(0o600)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    args = [
        "credentials",
        "sync",
        str(EXAMPLE_FARM),
        "--jenkins",
        URL,
        "--user",
        "bot",
        "--token-env",
        "BOT_TOKEN",
    ]
    assert main([*args, "--values-from", f"file:{values}"]) == 0
    out, err = capsys.readouterr()
    assert "16 credentials synced" in out
    assert CANARY not in out + err
    assert len(mock.credentials) == 16
    assert main([*args, "--values-from", f"file:{values}", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["credentials"]
    assert {"credential": "teamB/teamB-git", "store": "teamB", "action": "updated"} in rows
    assert {"credential": "registry-pull", "store": "system", "action": "updated"} in rows


def test_cli_sync_with_a_missing_value_exits_2(
    mock: MockJenkins, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    args = [
        "credentials",
        "sync",
        str(EXAMPLE_FARM),
        "--jenkins",
        URL,
        "--user",
        "bot",
        "--token-env",
        "BOT_TOKEN",
    ]
    assert main([*args, "--values-from", "stdin"]) == 2
    err = capsys.readouterr().err
    assert "stdin has no value for REGISTRY_PULL_PASSWORD" in err
    assert "farm.yml:" in err
    assert "Traceback" not in err
    assert mock.credentials == {}


def test_stdin_is_read_no_further_than_a_file_would_be() -> None:
    with pytest.raises(InputError, match="stdin holds more than 2 MiB of values"):
        StdinSource.read(io.StringIO("A: " + "x" * (2 * 1024 * 1024)))
