"""JenkinsClient against MockJenkins: folders, crumbs, error mapping, retries, the token kept out."""

from __future__ import annotations

import jenkins
import pytest

from jenkins_docker_sdk.clients import JenkinsClient, RemoteItem, RetryPolicy
from jenkins_docker_sdk.errors import (
    JenkinsAuthError,
    JenkinsConnectionError,
    JenkinsError,
    JenkinsItemExistsError,
    JenkinsNotFoundError,
    JenkinsPermissionError,
)
from jenkins_docker_sdk.testing import DEFAULT_JOB_XML, MockJenkins, MockJenkinsServer

URL = "http://jenkins.test"
TOKEN = "1122aabbccddeeff00112233445566"
OTHER_XML = DEFAULT_JOB_XML.replace("<description></description>", "<description>other</description>")


def client(**kwargs: object) -> JenkinsClient:
    options: dict[str, object] = {"user": "bot", "token": TOKEN, "retry": RetryPolicy(backoff=0)}
    options.update(kwargs)
    return JenkinsClient(url=URL, **options)  # type: ignore[arg-type]


pytestmark = pytest.mark.mock_jenkins(users={"bot": TOKEN})


def test_one_bulk_read_lists_folders_jobs_and_descriptions(mock_jenkins: MockJenkins) -> None:
    mock_jenkins.add_folder("teamA")
    mock_jenkins.add_job(
        "teamA/build", DEFAULT_JOB_XML.replace("<description></description>", "<description>hi</description>")
    )
    mock_jenkins.add_folder("teamA/nested")
    mock_jenkins.add_job("teamA/nested/deep")
    mock_jenkins.add_job("top")
    items = {item.name: item for item in client().list_items(depth=2)}
    assert sorted(items) == ["teamA", "teamA/build", "teamA/nested", "top"]  # not teamA/nested/deep
    assert [items[name].folder for name in sorted(items)] == [True, False, True, False]
    assert items["teamA/build"] == RemoteItem("teamA/build", "hi", False)
    assert [r.path for r in mock_jenkins.request_log] == ["/api/json"]


def test_jobs_live_in_folders(mock_jenkins: MockJenkins) -> None:
    jenkins_client = client()
    jenkins_client.create_item("teamA", MockJenkinsFolder.XML)
    jenkins_client.create_item("teamA/build", DEFAULT_JOB_XML)
    assert "teamA/build" in mock_jenkins.jobs
    jenkins_client.update_config("teamA/build", OTHER_XML)
    assert jenkins_client.get_config("teamA/build") == OTHER_XML
    jenkins_client.delete_item("teamA/build")
    assert "teamA/build" not in mock_jenkins.jobs
    paths = [(r.method, r.path) for r in mock_jenkins.request_log]
    assert ("POST", "/job/teamA/createItem") in paths
    assert ("POST", "/job/teamA/job/build/config.xml") in paths
    assert ("POST", "/job/teamA/job/build/doDelete") in paths


class MockJenkinsFolder:
    XML = (
        "<?xml version='1.1' encoding='UTF-8'?>\n"
        '<com.cloudbees.hudson.plugins.folder.Folder plugin="cloudbees-folder">\n'
        "  <description></description>\n  <properties/>\n"
        "</com.cloudbees.hudson.plugins.folder.Folder>\n"
    )


def test_a_create_that_finds_its_own_job_already_there_succeeds(mock_jenkins: MockJenkins) -> None:
    """What a retried createItem meets when its first attempt did arrive."""
    mock_jenkins.add_job("teamA/build", DEFAULT_JOB_XML.replace("\n  <", "\n    <"))  # same, reformatted
    client().create_item("teamA/build", DEFAULT_JOB_XML)
    with pytest.raises(
        JenkinsItemExistsError, match="already exists on the controller with another configuration"
    ):
        client().create_item("teamA/build", OTHER_XML)
    assert mock_jenkins.jobs["teamA/build"] != OTHER_XML


def test_a_create_in_a_missing_folder_is_not_mistaken_for_an_existing_job(mock_jenkins: MockJenkins) -> None:
    with pytest.raises(JenkinsNotFoundError) as caught:
        client().create_item("nowhere/build", DEFAULT_JOB_XML)
    assert caught.value.status == 404
    assert caught.value.url == f"{URL}/job/nowhere/createItem?name=build"


def test_a_bad_name_is_a_400_with_jenkins_reason(mock_jenkins: MockJenkins) -> None:
    with pytest.raises(JenkinsError) as caught:
        client().create_item("bad:name", DEFAULT_JOB_XML)
    assert caught.value.status == 400
    assert ":? is an unsafe character" in str(caught.value)  # X-Error: Jetty turns the quotes into ?


@pytest.mark.mock_jenkins  # security off: anonymous, and POSTs need the crumb
def test_anonymous_writes_carry_the_crumb_fetched_once(mock_jenkins: MockJenkins) -> None:
    anonymous = JenkinsClient(url=URL, retry=RetryPolicy(backoff=0))
    assert mock_jenkins.crumbs
    anonymous.create_item("a", DEFAULT_JOB_XML)
    anonymous.create_item("b", DEFAULT_JOB_XML)
    assert [r.path for r in mock_jenkins.request_log].count("/crumbIssuer/api/json") == 1
    assert sorted(mock_jenkins.jobs) == ["a", "b"]


@pytest.mark.mock_jenkins
def test_a_rejected_crumb_is_fetched_again_once(mock_jenkins: MockJenkins) -> None:
    anonymous = JenkinsClient(url=URL, retry=RetryPolicy(retries=0))
    anonymous.create_item("a", DEFAULT_JOB_XML)
    mock_jenkins.fail("POST", "createItem", status=403, body="No valid crumb was included in the request")
    anonymous.create_item("b", DEFAULT_JOB_XML)
    assert [r.path for r in mock_jenkins.request_log].count("/crumbIssuer/api/json") == 2
    assert "b" in mock_jenkins.jobs


def test_404_401_403_map_to_their_errors(mock_jenkins: MockJenkins) -> None:
    with pytest.raises(JenkinsNotFoundError) as missing:
        client().get_config("teamA/missing")
    assert (missing.value.status, missing.value.method) == (404, "GET")
    assert missing.value.url == f"{URL}/job/teamA/job/missing/config.xml"

    with pytest.raises(JenkinsAuthError) as refused:
        client(token="not-the-token").list_items()
    assert refused.value.status == 401

    mock_jenkins.add_job("build")
    mock_jenkins.deny("Job/Delete", user="bot")
    with pytest.raises(JenkinsPermissionError) as denied:
        client().delete_item("build")
    assert denied.value.permission == "Job/Delete"
    assert "user 'bot' lacks the Job/Delete permission, needed to delete build" in str(denied.value)

    mock_jenkins.deny("Job/ExtendedRead", user="bot")
    with pytest.raises(JenkinsPermissionError, match="lacks the Job/ExtendedRead permission"):
        client().get_config("build")


def test_anonymous_access_to_a_secured_controller_names_overall_read(mock_jenkins: MockJenkins) -> None:
    with pytest.raises(JenkinsPermissionError) as denied:
        JenkinsClient(url=URL).list_items()
    assert denied.value.permission == "Overall/Read"
    assert "the anonymous user lacks the Overall/Read permission" in str(denied.value)


def test_5xx_is_retried_with_exponential_backoff_then_reported(mock_jenkins: MockJenkins) -> None:
    waits: list[float] = []
    flaky = client(retry=RetryPolicy(retries=3, backoff=0.5), sleep=waits.append)
    mock_jenkins.fail("GET", r"^/api/json", status=502, times=None)
    with pytest.raises(JenkinsError) as caught:
        flaky.list_items()
    assert caught.value.status == 502
    assert waits == [0.5, 1.0, 2.0]
    assert len(mock_jenkins.request_log) == 4  # bounded: one try and three retries

    mock_jenkins.clear_faults()
    mock_jenkins.fail("GET", r"^/api/json", status=500, times=2)
    assert flaky.list_items() == []


def test_dropped_connections_are_retried_then_a_connection_error(mock_jenkins: MockJenkins) -> None:
    mock_jenkins.drop_connections(r"^/api/json", times=None)
    with pytest.raises(JenkinsConnectionError) as caught:
        client(retry=RetryPolicy(retries=2, backoff=0)).list_items()
    assert caught.value.status is None
    assert "cannot reach the controller" in str(caught.value)
    assert [r.status for r in mock_jenkins.request_log] == [None, None, None]


def test_scripts_are_never_retried(mock_jenkins: MockJenkins) -> None:
    mock_jenkins.fail("POST", "scriptText", status=500)
    with pytest.raises(JenkinsError):
        client().run_script("println 'hi'")
    assert [r.path for r in mock_jenkins.request_log].count("/scriptText") == 1
    assert client().run_script("println 'hello'") == "hello"


def test_the_token_is_scrubbed_from_errors(mock_jenkins: MockJenkins) -> None:
    mock_jenkins.fail("GET", "api/json", status=500, times=None, body=f"token {TOKEN} rejected")
    with pytest.raises(JenkinsError) as caught:
        client(retry=RetryPolicy(retries=0)).list_items()
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(caught.value)
    assert "token **** rejected" in str(caught.value)


def test_python_jenkins_itself_works_against_the_same_controller(mock_jenkins: MockJenkins) -> None:
    """The adapter and a user's own python-jenkins code see the same controller."""
    client().create_item("build", DEFAULT_JOB_XML)
    assert jenkins.Jenkins(URL, "bot", TOKEN).job_exists("build")


@pytest.mark.slow
def test_a_controller_slower_than_the_timeout_is_a_connection_error(
    mock_jenkins_server: MockJenkinsServer,
) -> None:
    mock_jenkins_server.jenkins.latency(1.0)
    slow = JenkinsClient(url=mock_jenkins_server.url, timeout=0.1, retry=RetryPolicy(retries=0))
    with pytest.raises(JenkinsConnectionError, match=r"no answer within 0\.1 s"):
        slow.list_items()
