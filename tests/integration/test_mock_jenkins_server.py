"""MockJenkins over HTTP on loopback: python-jenkins, dropped sockets, timeouts, `jds mock-jenkins`."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins, MockJenkinsServer

pytestmark = pytest.mark.slow


def test_python_jenkins_over_loopback(mock_jenkins_server: MockJenkinsServer) -> None:
    url = mock_jenkins_server.url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    server = jenkins.Jenkins(url)
    server.create_folder("teamA")
    server.create_job("teamA/web", jenkins.EMPTY_CONFIG_XML)
    server.create_node("builder-1", labels="linux")
    assert server.get_all_jobs()[1]["url"] == f"{url}/job/teamA/job/web/"
    assert set(mock_jenkins_server.jenkins.jobs) == {"teamA/web"}
    assert mock_jenkins_server.jenkins.nodes["builder-1"].labels == ("linux",)
    number = server.build_job("teamA/web")
    assert server.get_queue_item(number)["task"]["url"] == f"{url}/job/teamA/job/web/"
    assert server.get_version() == "2.479.3"
    page = requests.get(f"{url}/job/teamA/")
    assert "a test double of a Jenkins controller" in page.text
    assert page.headers["X-Jenkins"]


def test_state_is_shared_with_responses_mode() -> None:
    mock = MockJenkins("http://jenkins.test", passthrough=["http://127.0.0.1:"])  # let loopback through
    with mock, mock.serve() as served:
        jenkins.Jenkins("http://jenkins.test").create_job("from-responses", jenkins.EMPTY_CONFIG_XML)
        names = [job["name"] for job in jenkins.Jenkins(served.url).get_jobs()]
    assert names == ["from-responses"]


def test_auth_and_errors_over_http() -> None:
    with MockJenkins(users={"admin": "api-token"}).serve() as served:
        served.jenkins.add_job("web")
        with pytest.raises(jenkins.JenkinsException, match=r"\[401\]"):
            jenkins.Jenkins(served.url, username="admin", password="nope").get_whoami()
        server = jenkins.Jenkins(served.url, username="admin", password="api-token")
        with pytest.raises(requests.HTTPError, match="400"):
            requests.post(
                f"{served.url}/createItem?name=web",
                data="<project/>",
                auth=("admin", "api-token"),
                headers={"Content-Type": "text/xml"},
            ).raise_for_status()
        with pytest.raises(jenkins.NotFoundException):
            server.get_job_config("missing")
        served.jenkins.fail("GET", r"/job/web/config\.xml", status=500)
        with pytest.raises(jenkins.JenkinsException, match=r"\[500\]"):
            server.get_job_config("web")
        assert server.get_job_config("web") == served.jenkins.jobs["web"]


def test_dropped_connections_close_the_socket() -> None:
    with MockJenkins().serve() as served:
        served.jenkins.drop_connections(r"/createItem")
        server = jenkins.Jenkins(served.url)
        with pytest.raises(requests.ConnectionError):
            server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert set(served.jenkins.jobs) == {"web"}


def test_latency_longer_than_the_client_timeout_times_out() -> None:
    with MockJenkins().serve() as served:
        served.jenkins.latency(1.0, r"/api/json$")
        with pytest.raises(jenkins.TimeoutException):
            jenkins.Jenkins(served.url, timeout=0.05).get_jobs()


def test_jds_mock_jenkins_serves_until_terminated() -> None:
    env = dict(os.environ, MOCK_TOKEN="cli-secret-token")
    command = [
        sys.executable,
        "-m",
        "jenkins_docker_sdk",
        "mock-jenkins",
        "--port",
        "0",
        "--user",
        "admin",
        "--token-env",
        "MOCK_TOKEN",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "a test double (not a real Jenkins)" in line, line or process.stderr.read()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match is not None, line
        url = match.group(0)
        server = jenkins.Jenkins(url, username="admin", password="cli-secret-token")
        server.create_job("hello", jenkins.EMPTY_CONFIG_XML)
        assert server.get_job_name("hello") == "hello"
        assert requests.get(f"{url}/api/json").status_code == 403  # anonymous may not read
        assert "test double" in requests.get(f"{url}/", auth=("admin", "cli-secret-token")).text
    finally:
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
    assert "cli-secret-token" not in line + stdout + stderr


def test_jds_mock_jenkins_refuses_a_user_without_a_token() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "jenkins_docker_sdk", "mock-jenkins", "--user", "admin"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--token-env" in result.stderr
