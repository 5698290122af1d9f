"""Failure injection in responses mode, and what happens to requests for other URLs."""

from __future__ import annotations

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"


def test_fail_answers_the_next_n_matching_requests() -> None:
    with MockJenkins(URL) as mock:
        server = jenkins.Jenkins(URL)
        mock.add_job("teamA/web")
        mock.fail("POST", r"/job/teamA/job/web/config\.xml$", status=500, times=2)
        for _ in range(2):
            with pytest.raises(jenkins.JenkinsException, match=r"\[500\]"):
                server.reconfig_job("teamA/web", jenkins.RECONFIG_XML)
        assert mock.jobs["teamA/web"] != jenkins.RECONFIG_XML  # nothing was applied
        server.reconfig_job("teamA/web", jenkins.RECONFIG_XML)  # the third succeeds
        assert mock.jobs["teamA/web"] == jenkins.RECONFIG_XML
        statuses = [r.status for r in mock.request_log if r.method == "POST"]
        assert statuses == [500, 500, 200]


def test_fail_matches_method_and_path_and_can_last() -> None:
    with MockJenkins(URL) as mock:
        mock.add_job("web")
        mock.fail(None, r"^/job/web/api/json", status=503, times=None, body="down for maintenance")
        server = jenkins.Jenkins(URL)
        for _ in range(3):
            with pytest.raises(requests.HTTPError) as raised:
                server.get_job_name("web")
            assert raised.value.response.status_code == 503
            assert "down for maintenance" in raised.value.response.text
        assert server.get_info()["jobs"][0]["name"] == "web"  # other paths are untouched
        mock.clear_faults()
        assert server.get_job_name("web") == "web"
        with pytest.raises(ValueError, match="times"):
            mock.fail("GET", "x", times=0)


def test_dropped_connections_raise_connection_error() -> None:
    with MockJenkins(URL) as mock:
        mock.drop_connections(r"/createItem", times=1)
        server = jenkins.Jenkins(URL)
        with pytest.raises(requests.ConnectionError, match="MockJenkins dropped the connection"):
            server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert mock.jobs == {}
        assert mock.request_log[-1].status is None
        server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert set(mock.jobs) == {"web"}


def test_latency_is_waited_before_each_matching_answer() -> None:
    waits: list[float] = []
    with MockJenkins(URL, sleep=waits.append) as mock:
        mock.latency(0.25, r"^/computer/")
        server = jenkins.Jenkins(URL)
        server.get_jobs()  # the crumb and api/json: not delayed
        assert waits == []
        server.get_nodes()
        server.get_node_info("Built-In Node")
        assert waits == [0.25, 0.25]
        mock.latency(0, r"^/computer/")
        server.get_nodes()
        assert waits == [0.25, 0.25]
        mock.latency(0.5)  # every request
        server.get_jobs()
        assert waits == [0.25, 0.25, 0.5]
        with pytest.raises(ValueError, match="latency"):
            mock.latency(-1)


def test_other_urls_are_refused_not_swallowed() -> None:
    with MockJenkins(URL):
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get("http://elsewhere.test/api/json")
        with pytest.raises(requests.ConnectionError):
            requests.get("http://jenkins.test.elsewhere.test/")  # a longer host is another URL


def test_passthrough_prefixes_reach_the_network() -> None:
    with MockJenkins().serve() as served, MockJenkins(URL, passthrough=[served.url]):
        served.jenkins.add_job("real-socket")
        assert requests.get(f"{served.url}/api/json").json()["jobs"][0]["name"] == "real-socket"


def test_a_context_path_is_part_of_the_base_url() -> None:
    with MockJenkins("http://ci.test/jenkins/") as mock:
        server = jenkins.Jenkins("http://ci.test/jenkins")
        server.create_job("web", jenkins.EMPTY_CONFIG_XML)
        assert server.get_job_info("web")["url"] == "http://ci.test/jenkins/job/web/"
        assert mock.request_log[-1].path == "/job/web/api/json"


def test_start_twice_is_refused_and_stop_keeps_the_state() -> None:
    mock = MockJenkins(URL)
    mock.start()
    try:
        with pytest.raises(RuntimeError, match="already started"):
            mock.start()
        jenkins.Jenkins(URL).create_job("web", jenkins.EMPTY_CONFIG_XML)
    finally:
        mock.stop()
    assert set(mock.jobs) == {"web"}
    assert "active=False" in repr(mock)
