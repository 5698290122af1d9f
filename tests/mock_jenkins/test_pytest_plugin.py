"""The pytest plugin: registered through pytest11, import-light, fixtures only when asked for."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

PLUGIN = "jenkins_docker_sdk.testing.pytest_plugin"


def test_importing_the_plugin_or_the_kit_does_not_import_responses() -> None:
    check = (
        "import sys\n"
        f"import {PLUGIN}\n"
        "import jenkins_docker_sdk.testing\n"
        "assert 'responses' not in sys.modules, 'responses was imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_the_plugin_is_registered_through_pytest11(pytestconfig: pytest.Config) -> None:
    registered = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert registered.get("jenkins_docker_sdk") == PLUGIN
    assert pytestconfig.pluginmanager.has_plugin("jenkins_docker_sdk")  # this suite loads it too


def test_fixtures_in_a_user_suite(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_user="""
        import sys

        import jenkins
        import pytest
        import requests


        def test_not_asked_for_nothing_is_mocked():
            assert "responses" not in sys.modules


        def test_mock_jenkins(mock_jenkins):
            jenkins.Jenkins("http://jenkins.test").create_job("web", jenkins.EMPTY_CONFIG_XML)
            assert list(mock_jenkins.jobs) == ["web"]


        @pytest.mark.mock_jenkins(base_url="http://ci.test", users={"bot": "t0ken"})
        def test_marker_options(mock_jenkins):
            with pytest.raises(jenkins.JenkinsException, match="401"):
                jenkins.Jenkins("http://ci.test", username="bot", password="wrong").get_whoami()
            me = jenkins.Jenkins("http://ci.test", username="bot", password="t0ken").get_whoami()
            assert me["id"] == "bot"


        def test_server(mock_jenkins_server):
            mock_jenkins_server.jenkins.add_job("served")
            assert requests.get(mock_jenkins_server.url + "/api/json").json()["jobs"][0]["name"] == "served"


        def test_each_test_gets_a_fresh_controller(mock_jenkins):
            assert mock_jenkins.jobs == {}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--strict-markers")
    result.assert_outcomes(passed=5)
