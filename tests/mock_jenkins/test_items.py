"""Jobs, folders, the remote API, builds and the queue, driven through the real python-jenkins client."""

from __future__ import annotations

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"
PARAMETERIZED = """<?xml version='1.1' encoding='UTF-8'?>
<project>
  <description>takes a branch</description>
  <properties>
    <hudson.model.ParametersDefinitionProperty>
      <parameterDefinitions>
        <hudson.model.StringParameterDefinition>
          <name>BRANCH</name>
          <defaultValue>main</defaultValue>
        </hudson.model.StringParameterDefinition>
      </parameterDefinitions>
    </hudson.model.ParametersDefinitionProperty>
  </properties>
  <disabled>false</disabled>
</project>
"""


def test_create_read_reconfigure_and_delete_a_job(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_job("web", jenkins.EMPTY_CONFIG_XML)
    assert mock.jobs == {"web": jenkins.EMPTY_CONFIG_XML}
    assert server.job_exists("web")
    assert server.get_job_config("web") == jenkins.EMPTY_CONFIG_XML
    assert server.get_job_info("web")["_class"] == "hudson.model.FreeStyleProject"

    server.reconfig_job("web", jenkins.RECONFIG_XML)
    assert mock.jobs["web"] == jenkins.RECONFIG_XML
    assert "export FOO=bar" in server.get_job_config("web")

    server.delete_job("web")
    assert mock.jobs == {}
    assert not server.job_exists("web")


def test_jobs_in_nested_folders_use_job_a_job_b_urls(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_folder("teamA")
    server.create_folder("teamA/backend")
    server.create_job("teamA/backend/api", jenkins.EMPTY_CONFIG_XML)
    assert set(mock.folders) == {"teamA", "teamA/backend"}
    assert set(mock.jobs) == {"teamA/backend/api"}
    assert server.is_folder("teamA/backend")
    assert not server.is_folder("teamA/backend/api")
    assert ("POST", "/job/teamA/job/backend/createItem") in {(r.method, r.path) for r in mock.request_log}
    assert [job["fullname"] for job in server.get_all_jobs()] == [
        "teamA",
        "teamA/backend",
        "teamA/backend/api",
    ]
    assert server.get_job_info("teamA/backend/api")["fullName"] == "teamA/backend/api"

    server.delete_job("teamA")  # a folder goes with everything in it
    assert mock.jobs == {}
    assert mock.folders == {}


def test_creating_an_existing_item_is_a_400_with_jenkins_message(mock: MockJenkins) -> None:
    mock.add_job("web")
    response = requests.post(
        f"{URL}/createItem?name=web",
        data=jenkins.EMPTY_CONFIG_XML,
        headers={"Content-Type": "text/xml"},
        auth=("admin", "api-token"),
    )
    assert response.status_code == 400
    assert response.headers["X-Error"] == "A job already exists with the name ?web?"  # Jetty: ISO-8859-1
    assert "A job already exists with the name ‘web’" in response.text
    assert "test double" in response.text


def test_python_jenkins_reports_a_duplicate_folder(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_folder("teamA")
    with pytest.raises(jenkins.JenkinsException, match="Probably it already exists"):
        server.create_folder("teamA")
    assert mock.request_log[-1].status == 400


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("a/b", "‘/’ is an unsafe character"),
        ("web.", "A name cannot end with ‘.’"),
        ("..", "“..” is not an allowed name"),
    ],
)
def test_names_jenkins_refuses(mock: MockJenkins, name: str, message: str) -> None:
    response = requests.post(
        f"{URL}/createItem",
        params={"name": name},
        data=jenkins.EMPTY_CONFIG_XML,
        headers={"Content-Type": "text/xml"},
        auth=("admin", "api-token"),
    )
    assert response.status_code == 400
    assert response.headers["X-Error"] == message.translate(
        {0x2018: "?", 0x2019: "?", 0x201C: "?", 0x201D: "?"}
    )
    assert message in response.text
    assert mock.jobs == {}


def test_missing_items_are_404_and_python_jenkins_says_so(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    assert server.get_job_name("nope") is None
    with pytest.raises(jenkins.NotFoundException):
        server.get_job_config("teamA/nope")
    with pytest.raises(jenkins.JenkinsException, match="folder for the job does not exist"):
        server.create_job("nofolder/web", jenkins.EMPTY_CONFIG_XML)
    mock.add_job("plain")
    with pytest.raises(jenkins.JenkinsException, match="does not exist"):  # a job is not a folder
        server.get_job_info("plain/inner")


def test_config_xml_that_does_not_parse_or_changes_type_is_a_500(
    mock: MockJenkins, server: jenkins.Jenkins
) -> None:
    mock.add_job("web")
    with pytest.raises(jenkins.JenkinsException, match=r"\[500\]"):
        server.reconfig_job("web", "<project><unclosed></project>")
    with pytest.raises(jenkins.JenkinsException, match=r"\[500\]"):
        server.reconfig_job("web", jenkins.EMPTY_FOLDER_XML)
    assert mock.jobs["web"] == mock.job("web").config_xml
    assert "<unclosed>" not in mock.jobs["web"]


def test_description_and_disabled_come_from_config_xml(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("teamA/web", PARAMETERIZED)
    info = server.get_job_info("teamA/web")
    assert info["description"] == "takes a branch"
    assert (info["disabled"], info["buildable"], info["color"]) == (False, True, "notbuilt")

    server.disable_job("teamA/web")
    assert mock.job("teamA/web").disabled
    assert "<disabled>true</disabled>" in server.get_job_config("teamA/web")
    assert server.get_job_info("teamA/web")["color"] == "disabled"
    server.enable_job("teamA/web")
    assert not mock.job("teamA/web").disabled
    # Jenkins redirects after enable/disable; the client follows to the job's page.
    assert [(r.method, r.status) for r in mock.request_log[-2:]] == [("POST", 302), ("GET", 200)]


def test_api_json_tree_filters_nested_folders(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("teamA/web", PARAMETERIZED)
    mock.add_job("top")
    tree = "jobs[name,description,jobs[name,description]]"
    data = server.get_info(query=f"?tree={tree}")
    assert data == {
        "_class": "hudson.model.Hudson",
        "jobs": [
            {
                "_class": "com.cloudbees.hudson.plugins.folder.Folder",
                "name": "teamA",
                "description": "",
                "jobs": [
                    {
                        "_class": "hudson.model.FreeStyleProject",
                        "name": "web",
                        "description": "takes a branch",
                    }
                ],
            },
            {"_class": "hudson.model.FreeStyleProject", "name": "top", "description": ""},
        ],
    }
    # A property named without a subtree keeps only _class: how python-jenkins sees deeper levels.
    shallow = server.get_info(query="?tree=jobs[name,jobs]")
    assert shallow["jobs"][0]["jobs"] == [{"_class": "hudson.model.FreeStyleProject"}]
    ranged = server.get_info(query="?tree=jobs[name]{1,}")
    assert ranged["jobs"] == [{"_class": "hudson.model.FreeStyleProject", "name": "top"}]
    folder = server.get_info("job/teamA", query="?tree=jobs[name,color]")
    assert folder["jobs"] == [{"_class": "hudson.model.FreeStyleProject", "name": "web", "color": "notbuilt"}]


def test_api_json_depth(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("teamA/web")
    shallow = server.get_info()
    assert shallow["jobs"] == [
        {"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "teamA", "url": f"{URL}/job/teamA/"}
    ]
    assert shallow["useCrumbs"] is True
    assert shallow["useSecurity"] is True
    deep = server.get_info(query="?depth=1")["jobs"][0]
    assert deep["fullName"] == "teamA"
    assert deep["jobs"] == [
        {
            "_class": "hudson.model.FreeStyleProject",
            "name": "web",
            "url": f"{URL}/job/teamA/job/web/",
            "color": "notbuilt",
        }
    ]


def test_malformed_tree_is_a_400(mock: MockJenkins) -> None:
    response = requests.get(f"{URL}/api/json", params={"tree": "jobs[name"}, auth=("admin", "api-token"))
    assert response.status_code == 400


def test_build_queue_item_and_build_numbers(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("teamA/web")
    number = server.build_job("teamA/web")
    item = server.get_queue_item(number)
    assert item["_class"] == "hudson.model.Queue$WaitingItem"
    assert item["task"]["name"] == "web"
    assert server.get_job_info("teamA/web")["inQueue"] is True
    assert [q.job for q in mock.queue] == ["teamA/web"]

    (build,) = mock.run_queue()
    assert (build.job, build.number, build.result) == ("teamA/web", 1, "SUCCESS")
    item = server.get_queue_item(number)
    assert item["_class"] == "hudson.model.Queue$LeftItem"
    assert item["executable"]["number"] == 1
    info = server.get_job_info("teamA/web")
    assert (info["nextBuildNumber"], info["lastBuild"]["number"], info["color"]) == (2, 1, "blue")
    assert server.get_build_info("teamA/web", 1)["result"] == "SUCCESS"
    assert "Finished: SUCCESS" in server.get_build_console_output("teamA/web", 1)
    second = server.build_job("teamA/web")
    assert second == number + 1
    mock.run_queue("FAILURE")
    assert [b.number for b in mock.job("teamA/web").builds] == [1, 2]
    assert server.get_job_info("teamA/web")["color"] == "red"


def test_build_location_header_and_parameters(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("deploy", PARAMETERIZED)
    response = requests.post(
        f"{URL}/job/deploy/buildWithParameters", params={"BRANCH": "dev"}, auth=("admin", "api-token")
    )
    assert response.status_code == 201
    assert response.headers["Location"] == f"{URL}/queue/item/1/"
    # The same parameters while the first waits: Jenkins answers 303 with the waiting item.
    again = requests.post(
        f"{URL}/job/deploy/buildWithParameters",
        params={"BRANCH": "dev"},
        auth=("admin", "api-token"),
        allow_redirects=False,
    )
    assert (again.status_code, again.headers["Location"]) == (303, f"{URL}/queue/item/1/")
    assert server.build_job("deploy", {"BRANCH": "release"}) == 2
    assert [q.parameters for q in mock.queue] == [(("BRANCH", "dev"),), (("BRANCH", "release"),)]
    assert server.get_queue_item(2)["params"] == "\nBRANCH=release"


def test_builds_jenkins_refuses(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("plain")
    with pytest.raises(requests.HTTPError) as not_parameterized:
        server.build_job("plain", {"X": "1"})
    assert not_parameterized.value.response.status_code == 400
    server.disable_job("plain")
    with pytest.raises(requests.HTTPError) as conflict:
        server.build_job("plain")
    assert conflict.value.response.status_code == 409
    assert "plain is not buildable" in conflict.value.response.text
    get = requests.get(f"{URL}/job/plain/build", auth=("admin", "api-token"))
    assert get.status_code == 405
    assert mock.queue == []


def test_cancel_queue_item(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_job("web")
    number = server.build_job("web")
    server.cancel_queue(number)
    assert mock.queue == []
    assert server.get_queue_item(number)["cancelled"] is True
    assert mock.run_queue() == []


def test_seeding_helpers_refuse_what_jenkins_refuses(mock: MockJenkins) -> None:
    mock.add_job("teamA/web")
    with pytest.raises(ValueError, match="already exists"):
        mock.add_job("teamA/web")
    with pytest.raises(ValueError, match="is a job, not a folder"):
        mock.add_job("teamA/web/inner")
    with pytest.raises(ValueError, match="unsafe character"):
        mock.add_folder("bad?name")
    with pytest.raises(KeyError):
        mock.job("missing")


def test_version_header_and_pages_say_test_double(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    assert server.get_whoami()["id"] == "admin"
    assert server.get_version() == "2.479.3"
    page = requests.get(f"{URL}/", auth=("admin", "api-token"))
    assert page.headers["X-Jenkins"] == "2.479.3"
    assert "a test double of a Jenkins controller" in page.text
    missing = requests.get(f"{URL}/no/such/page", auth=("admin", "api-token"))
    assert missing.status_code == 404
    assert "a test double of a Jenkins controller" in missing.text
