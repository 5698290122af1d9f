"""farm.yml's validation.policy, and the policy on the command line (jds validate, jds schema)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.errors import FarmError
from jenkins_docker_sdk.model import Farm
from jenkins_docker_sdk.validation.policy import load_policy


def farm(tmp_path: Path, farm_yml: str) -> Path:
    root = tmp_path / "farm"
    (root / "teamA" / "repo").mkdir(parents=True)
    (root / "teamA" / "repo" / "Dockerfile").write_text(
        'FROM debian:12\nLABEL io.jenkins.agent.labels="debian"\nUSER 1000\n'
    )
    (root / "farm.yml").write_text(farm_yml)
    return root


def test_farm_policy_is_resolved_next_to_farm_yml(tmp_path: Path) -> None:
    root = farm(tmp_path, "validation:\n  policy: policies/agents.yml\n")
    (root / "policies").mkdir()
    (root / "policies" / "agents.yml").write_text("extends: default\nmax_size_mb: 1024\n")
    settings = Farm.from_path(root).settings
    assert settings.policy == root / "policies" / "agents.yml"
    assert load_policy(settings.policy).max_size_mb == 1024


def test_farm_without_policy_uses_the_default(tmp_path: Path) -> None:
    assert Farm.from_path(farm(tmp_path, "registry: r.example.com\n")).settings.policy is None


def test_farm_policy_missing_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = farm(tmp_path, "registry: r.example.com\nvalidation:\n  policy: nope.yml\n")
    with pytest.raises(FarmError) as caught:
        Farm.from_path(root)
    [problem] = caught.value.problems
    assert str(problem).startswith(f"{root / 'farm.yml'}:3:3: validation.policy 'nope.yml': no such file")


def test_farm_policy_that_is_not_a_policy_is_an_error(tmp_path: Path) -> None:
    root = farm(tmp_path, "validation: {policy: p.yml}\n")
    (root / "p.yml").write_text("ignore: [JDS101]\nmax_size: 1\n")
    with pytest.raises(FarmError) as caught:
        Farm.from_path(root)
    assert "p.yml:2:1: unknown key 'max_size' in policy; did you mean 'max_size_mb'?" in str(caught.value)


def test_schema_policy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "policy"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["extends"]["enum"] == ["default"]
    connectors = schema["properties"]["connectors"]["properties"]
    assert set(connectors) == {"all", "jnlp", "ssh", "attach"}
    existence = connectors["ssh"]["properties"]["fileExistenceTests"]["items"]["properties"]
    assert {"name", "path", "shouldExist", "permissions", "uid", "gid"} <= set(existence)


def test_validate_with_policy_and_connector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM evil.example.org/agent:1.0\nRUN true\n")
    args = ["validate", "--dockerfile", str(dockerfile), "--format", "json"]
    assert main(args) == 1  # not a trusted registry in the default policy
    ids = {f["id"]: f["severity"] for f in json.loads(capsys.readouterr().out)["findings"]}
    assert ids == {"JDS106": "error", "JDS101": "warning"}
    policy = tmp_path / "policy.yml"
    policy.write_text("extends: default\ntrusted_registries: [evil.example.org]\n")
    assert main([*args, "--policy", str(policy), "--connector", "ssh"]) == 0
    assert {f["id"] for f in json.loads(capsys.readouterr().out)["findings"]} == {"JDS101"}
    assert main([*args, "--policy", str(policy), "--connector", "jnlp"]) == 1
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["id"], f["severity"]) for f in findings] == [("JDS101", "error")]


def test_validate_with_a_bad_policy_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\nUSER 1000\n")
    policy = tmp_path / "policy.yml"
    policy.write_text("alow_root_user: true\n")
    assert main(["validate", "--dockerfile", str(dockerfile), "--policy", str(policy)]) == 2
    err = capsys.readouterr().err
    assert f"{policy}:1:1: unknown key 'alow_root_user' in policy; did you mean 'allow_root_user'?" in err
    assert "Traceback" not in err
