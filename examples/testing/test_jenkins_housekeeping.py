"""Tests of jenkins_housekeeping.py against MockJenkins, through the real python-jenkins client."""

from __future__ import annotations

import jenkins
import pytest
from jenkins_housekeeping import disable_matching, ensure_job

URL = "http://jenkins.test"  # where the mock_jenkins fixture answers


def test_ensure_job_creates_the_folders_then_the_job(mock_jenkins):
    server = jenkins.Jenkins(URL)
    assert ensure_job(server, "teamA/nightly/build", jenkins.EMPTY_CONFIG_XML) == "created"
    assert set(mock_jenkins.folders) == {"teamA", "teamA/nightly"}
    assert mock_jenkins.jobs == {"teamA/nightly/build": jenkins.EMPTY_CONFIG_XML}

    assert ensure_job(server, "teamA/nightly/build", jenkins.RECONFIG_XML) == "updated"
    assert mock_jenkins.jobs["teamA/nightly/build"] == jenkins.RECONFIG_XML


def test_disable_matching_touches_only_enabled_matching_jobs(mock_jenkins):
    mock_jenkins.add_job("teamA/legacy-build")
    mock_jenkins.add_job("teamA/web")
    mock_jenkins.add_job("teamB/legacy-deploy")
    server = jenkins.Jenkins(URL)

    assert disable_matching(server, r"/legacy-") == ["teamA/legacy-build", "teamB/legacy-deploy"]
    assert mock_jenkins.job("teamA/legacy-build").disabled
    assert not mock_jenkins.job("teamA/web").disabled
    assert disable_matching(server, r"/legacy-") == []  # nothing left to do
    posts = [r.path for r in mock_jenkins.request_log if r.method == "POST"]
    assert posts == ["/job/teamA/job/legacy-build/disable", "/job/teamB/job/legacy-deploy/disable"]


def test_a_controller_error_stops_the_script(mock_jenkins):
    mock_jenkins.add_job("teamA/legacy-build")
    mock_jenkins.fail("POST", r"/disable$", status=500)
    with pytest.raises(jenkins.JenkinsException, match=r"\[500\]"):
        disable_matching(jenkins.Jenkins(URL), r"legacy")
    assert not mock_jenkins.job("teamA/legacy-build").disabled


@pytest.mark.mock_jenkins(users={"ci-bot": "api-token"})
def test_the_script_needs_the_configure_permission(mock_jenkins):
    mock_jenkins.add_job("teamA/legacy-build")
    mock_jenkins.deny("Job/Configure", user="ci-bot")
    server = jenkins.Jenkins(URL, username="ci-bot", password="api-token")
    with pytest.raises(jenkins.JenkinsException, match="ci-bot is missing the Job/Configure permission"):
        disable_matching(server, r"legacy")
