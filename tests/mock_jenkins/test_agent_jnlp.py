"""MockJenkins: an inbound agent's jenkins-agent.jnlp (its secret), and ssh launcher fields."""

from __future__ import annotations

import hashlib
import hmac
import xml.etree.ElementTree as ET

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins
from tests.mock_jenkins.conftest import URL


def test_jnlp_file_carries_the_secret_then_the_name(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_node("agent-1", launcher=jenkins.LAUNCHER_JNLP)
    answer = requests.get(
        f"{URL}/computer/agent-1/jenkins-agent.jnlp", auth=("admin", "api-token"), timeout=5
    )
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/x-java-jnlp-file"
    arguments = [a.text for a in ET.fromstring(answer.text).iter("argument")]
    assert arguments[1:] == ["agent-1", "-url", URL + "/"]
    secret = arguments[0]
    assert secret == hmac.new(mock._state.agent_secret_key, b"agent-1", hashlib.sha256).hexdigest()
    again = requests.get(f"{URL}/computer/agent-1/jenkins-agent.jnlp", auth=("admin", "api-token"), timeout=5)
    assert again.text == answer.text  # the secret of a node does not change


def test_jnlp_file_needs_agent_connect_and_an_inbound_agent(
    mock: MockJenkins, server: jenkins.Jenkins
) -> None:
    server.create_node(
        "ssh-1", launcher=jenkins.LAUNCHER_SSH, launcher_params={"host": "10.0.0.9", "port": "22"}
    )
    answer = requests.get(f"{URL}/computer/ssh-1/jenkins-agent.jnlp", auth=("admin", "api-token"), timeout=5)
    assert answer.status_code == 404
    config = server.get_node_config("ssh-1")
    assert "<host>10.0.0.9</host>" in config
    server.create_node("agent-2", launcher=jenkins.LAUNCHER_JNLP)
    mock.deny("Agent/Connect", user="admin")
    answer = requests.get(
        f"{URL}/computer/agent-2/jenkins-agent.jnlp", auth=("admin", "api-token"), timeout=5
    )
    assert answer.status_code == 403


@pytest.mark.parametrize("name", ["no-such-agent"])
def test_jnlp_file_of_an_unknown_node_is_404(mock: MockJenkins, name: str) -> None:
    answer = requests.get(f"{URL}/computer/{name}/jenkins-agent.jnlp", auth=("admin", "api-token"), timeout=5)
    assert answer.status_code == 404
