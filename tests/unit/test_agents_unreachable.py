"""``jds agents`` names the Docker hosts that did not answer and exits 1: an empty table from
hosts nobody could ask is not "no agents". Real connections refused; MockJenkins served."""

from __future__ import annotations

import json

import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.testing import MockJenkinsServer
from tests.conftest import EXAMPLE_FARM, ROOT

BROKEN = ROOT / "tests" / "broken"

DOWN = ["tcp://127.0.0.1:9", "tcp://127.0.0.1:7"]  # nothing listens there: refused


def test_agents_names_each_host_that_did_not_answer(
    mock_jenkins_server: MockJenkinsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--farm", str(EXAMPLE_FARM), "--jenkins", mock_jenkins_server.url, "--farm-id", "down"]
    hosts = [option for url in DOWN for option in ("--docker-host", url)]
    assert main(["agents", *where, *hosts]) == 1
    out, err = capsys.readouterr()
    assert out.split() == ["NODE", "TEMPLATE", "HOST", "STATE", "AGE", "JENKINS"]
    assert "error: host 127.0.0.1:9 did not answer: its agents are not listed" in err
    assert "error: host 127.0.0.1:7 did not answer" in err

    assert main(["agents", *where, *hosts, "--json"]) == 1
    listed = json.loads(capsys.readouterr().out)
    assert listed["agents"] == []
    assert listed["unreachable"] == ["127.0.0.1:9", "127.0.0.1:7"]


def test_agents_refuses_an_alias_bomb_farm_at_once(
    mock_jenkins_server: MockJenkinsServer, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = BROKEN / "130-yaml-alias-bomb" / "farm"  # 40 s and 8 GB to expand before the bound
    assert main(["agents", "--farm", str(farm), "--jenkins", mock_jenkins_server.url]) == 2
    assert "jenkins-docker.yml:6:10: invalid YAML: the alias *a4" in capsys.readouterr().err
