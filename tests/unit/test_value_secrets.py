"""Secrets in farm files are refused as the file is read: at the value's line, redacted."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm, FarmError
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.reading import parse_yaml, value_secrets

AWS = "AKIA" + "IOSFODNN7EXAMPLE"  # split so that no scanner trips on this file
KEY = "-----BEGIN RSA PRIVATE " + "KEY-----\n        MIIEpAIBAAKCAQEAz8cR1xqvmLkVj0S5b2xQ\n"
DOCKERFILE = 'FROM jenkins/inbound-agent:latest\nLABEL io.jenkins.agent.labels="linux"\n'


def found(text: str) -> list[str]:
    return [str(problem) for problem in value_secrets(parse_yaml(text, Path("m.yml")), Path("m.yml"), "m")]


def test_each_rule_names_the_value_and_its_line_and_shows_the_line_redacted() -> None:
    [url] = found("jobs:\n  - git: {url: 'https://bob:hunter2@git.example.com/x.git'}\n")
    assert url.startswith("m.yml:2:11: m.jobs[0].git.url holds a user:password@ URL: https://bob:****@git.")
    [aws] = found(f"steps: ['aws --key {AWS} s3 ls']\n")
    assert aws.startswith("m.yml:1:9: m.steps[0] holds an AWS access key id: aws --key **** s3 ls")
    [key] = found("steps:\n  - |\n        cat > k <<EOF\n        " + KEY + "        EOF\n")
    assert key.startswith(
        "m.yml:2:5: m.steps[0] holds a private key (RSA PRIVATE KEY) (line 3 of the value)\n"
    )
    for text in (url, aws, key):
        assert "hunter2" not in text
        assert AWS not in text
        assert "MIIEpAIBAAKCAQEAz8cR1xqvmLkVj0S5b2xQ" not in text
        assert "credentials store" in text


@pytest.mark.parametrize(
    "value",
    [
        "git clone https://$GIT_USER:$GIT_PASSWORD@git.example.com/x.git",  # bound credentials
        "git clone https://${USER}:${TOKEN}@git.example.com/x.git",
        "git@github.com:team/repo.git",
        "https://git.example.com/a@b",
        "see https://user@example.com/",
    ],
)
def test_placeholders_and_urls_without_a_password_pass(value: str) -> None:
    assert found(f"steps: [{value!r}]\n") == []


def test_a_long_line_is_shown_around_the_secret_only() -> None:
    text = f"description: '{'x' * 300} https://u:pw-123456@h.example.com {'y' * 300}'\n"
    [problem] = value_secrets(parse_yaml(text, Path("m.yml")), Path("m.yml"), "m")
    excerpt = problem.message.partition("holds a user:password@ URL: ")[2]
    assert excerpt.startswith("...")
    assert excerpt.endswith("...")
    assert "u:****@h.example.com" in excerpt
    assert len(excerpt) < 120


def _farm(tmp_path: Path, manifest: str, farm_yml: str | None = None) -> Path:
    repo = tmp_path / "teamX" / "repo"
    repo.mkdir(parents=True)
    (repo / "Dockerfile").write_text(DOCKERFILE)
    (repo / "jenkins-docker.yml").write_text(manifest)
    if farm_yml is not None:
        (tmp_path / "farm.yml").write_text(farm_yml)
    return tmp_path


def test_check_and_render_refuse_a_secret_alike_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = _farm(tmp_path / "farm", f"jobs:\n  - name: build\n    label: linux\n    steps: ['echo {AWS}']\n")
    assert main(["check", str(farm)]) == 2
    checked = capsys.readouterr().err
    assert main(["render", str(farm), "-o", str(tmp_path / "out")]) == 2
    rendered = capsys.readouterr().err
    where = f"{farm / 'teamX/repo/jenkins-docker.yml'}:4:13: jenkins-docker.yml.jobs[0].steps[0] holds an AWS"
    assert where in checked
    assert where in rendered
    assert AWS not in checked + rendered
    assert not (tmp_path / "out").exists()


def test_farm_yml_values_are_checked_too(tmp_path: Path) -> None:
    farm = _farm(
        tmp_path,
        "jobs: [{name: build, label: linux}]\n",
        "jenkins: {url: 'https://admin:pw-9876@ci.example.com'}\n",
    )
    with pytest.raises(FarmError) as error:
        Farm.from_path(farm)
    (problem,) = error.value.problems
    assert str(problem.location) == f"{farm / 'farm.yml'}:1:11"
    assert (
        problem.message
        == "farm.yml.jenkins.url holds a user:password@ URL: https://admin:****@ci.example.com"
    )
