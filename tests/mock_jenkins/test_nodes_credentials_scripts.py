"""Nodes, credentials stores and the script console, driven through the real python-jenkins client."""

from __future__ import annotations

import json

import jenkins
import pytest
import requests

from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"
USERNAME_PASSWORD = """<com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>
  <scope>GLOBAL</scope>
  <id>{id}</id>
  <description>{description}</description>
  <username>deployer</username>
  <password>{password}</password>
</com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>"""


def test_create_node_and_read_it_back(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_node(
        "builder-1",
        numExecutors=3,
        nodeDescription="big box",
        labels="linux java",
        exclusive=True,
        launcher=jenkins.LAUNCHER_JNLP,
    )
    node = mock.nodes["builder-1"]
    assert (node.labels, node.mode, node.executors, node.offline) == (
        ("linux", "java"),
        "EXCLUSIVE",
        3,
        False,
    )
    assert server.node_exists("builder-1")
    assert server.get_nodes() == [
        {"name": "Built-In Node", "offline": False},
        {"name": "builder-1", "offline": False},
    ]
    info = server.get_node_info("builder-1")
    assert info["_class"] == "hudson.slaves.SlaveComputer"
    assert [label["name"] for label in info["assignedLabels"]] == ["linux", "java", "builder-1"]
    assert (info["numExecutors"], info["description"]) == (3, "big box")
    config = server.get_node_config("builder-1")
    assert "<label>linux java</label>" in config
    assert "<mode>EXCLUSIVE</mode>" in config
    assert 'class="hudson.slaves.JNLPLauncher"' in config
    with pytest.raises(jenkins.JenkinsException, match="already exists"):
        server.create_node("builder-1")
    taken = requests.post(
        f"{URL}/computer/doCreateItem",
        auth=("admin", "api-token"),
        data={"name": "builder-1", "type": jenkins.NODE_TYPE, "json": "{}"},
    )
    assert (taken.status_code, taken.headers["X-Error"]) == (400, "Agent called ?builder-1? already exists")


def test_reconfigure_toggle_offline_and_delete_a_node(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_node("builder-1", ["linux"], mode="NORMAL")
    config = server.get_node_config("builder-1").replace(
        "<label>linux</label>", "<label>linux docker</label>"
    )
    server.reconfig_node("builder-1", config)
    assert mock.nodes["builder-1"].labels == ("linux", "docker")
    with pytest.raises(requests.HTTPError, match="400"):  # another node type; python-jenkins passes 400 on
        server.reconfig_node("builder-1", "<jenkins.model.Jenkins/>")

    server.disable_node("builder-1", "disk full")
    node = mock.nodes["builder-1"]
    assert (node.offline, node.temporarily_offline, node.offline_message) == (True, True, "disk full")
    info = server.get_node_info("builder-1")
    assert info["offlineCause"]["description"] == "Disconnected by admin : disk full"
    assert info["offlineCauseReason"] == "disk full"
    server.enable_node("builder-1")
    assert not mock.nodes["builder-1"].offline

    server.delete_node("builder-1")
    assert mock.nodes == {}
    assert not server.node_exists("builder-1")
    with pytest.raises(jenkins.JenkinsException, match="does not exist"):
        server.get_node_info("builder-1")


def test_the_built_in_node(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    info = server.get_node_info("Built-In Node")
    assert (info["_class"], info["displayName"]) == ("hudson.model.Hudson$MasterComputer", "Built-In Node")
    assert requests.get(f"{URL}/computer/(built-in)/api/json", auth=("admin", "api-token")).status_code == 200
    # Jenkins.MasterComputer: no config.xml of its own, never deletable.
    assert (
        requests.get(f"{URL}/computer/(built-in)/config.xml", auth=("admin", "api-token")).status_code == 400
    )
    refused = requests.post(f"{URL}/computer/(built-in)/doDelete", auth=("admin", "api-token"))
    assert (refused.status_code, "admin is missing the Agent/Delete permission" in refused.text) == (
        403,
        True,
    )
    assert mock.nodes == {}


def test_seeded_nodes_offline_and_never_connected(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_node("down", "linux", offline=True)
    mock.add_node("never", "linux", connected=False)
    assert {n["name"]: n["offline"] for n in server.get_nodes()} == {
        "Built-In Node": False,
        "down": True,
        "never": True,
    }
    server.enable_node("down")  # marked offline by a user: toggleOffline brings it back
    assert not mock.nodes["down"].offline
    assert mock.nodes["never"].offline
    with pytest.raises(ValueError, match="mode must be"):
        mock.add_node("bad", mode="normal")


def test_node_created_from_posted_xml(mock: MockJenkins) -> None:
    config = "<slave><name>from-xml</name><label>arm64</label><mode>NORMAL</mode></slave>"
    response = requests.post(
        f"{URL}/computer/createItem?name=xml-node",
        data=config,
        headers={"Content-Type": "application/xml"},
        auth=("admin", "api-token"),
    )
    assert response.status_code == 200
    assert mock.nodes["xml-node"].labels == ("arm64",)


def test_folder_credentials_store(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    server.create_folder("teamA")
    server.create_credential(
        "teamA", USERNAME_PASSWORD.format(id="deploy", description="to prod", password="p4ss")
    )
    assert server.credential_exists("deploy", "teamA")
    assert [c["id"] for c in server.list_credentials("teamA")] == ["deploy"]
    info = server.get_credential_info("deploy", "teamA")
    assert (info["typeName"], info["description"], info["fullName"]) == (
        "Username with password",
        "to prod",
        "teamA/_/deploy",
    )
    shown = server.get_credential_config("deploy", "teamA")
    assert "<password><secret-redacted /></password>" in shown
    assert "p4ss" not in shown
    assert set(mock.credentials) == {"teamA/deploy"}

    server.reconfig_credential(
        "teamA", USERNAME_PASSWORD.format(id="deploy", description="to staging", password="x")
    )
    assert mock.credentials["teamA/deploy"].description == "to staging"
    with pytest.raises(jenkins.JenkinsException, match="already exists"):
        server.create_credential("teamA", USERNAME_PASSWORD.format(id="deploy", description="", password="y"))
    duplicate = requests.post(
        f"{URL}/job/teamA/credentials/store/folder/domain/_/createCredentials",
        data=USERNAME_PASSWORD.format(id="deploy", description="", password="y"),
        headers={"Content-Type": "text/xml"},
        auth=("admin", "api-token"),
    )
    assert duplicate.status_code == 409

    server.delete_credential("deploy", "teamA")
    assert mock.credentials == {}
    mock.add_job("plain")
    with pytest.raises(jenkins.JenkinsException, match="is not a folder"):
        server.list_credentials("plain")


def test_system_store_and_seeded_credentials(mock: MockJenkins) -> None:
    mock.add_credential("registry-token", description="registry")
    mock.add_folder("teamB")
    mock.add_credential("npm", folder="teamB")
    listing = requests.get(
        f"{URL}/credentials/store/system/domain/_/api/json?tree=credentials[id,typeName]",
        auth=("admin", "api-token"),
    ).json()
    assert listing["credentials"] == [
        {"_class": listing["credentials"][0]["_class"], "id": "registry-token", "typeName": "Secret text"}
    ]
    assert set(mock.credentials) == {"registry-token", "teamB/npm"}
    config = requests.get(
        f"{URL}/credentials/store/system/domain/_/credential/registry-token/config.xml",
        auth=("admin", "api-token"),
    ).text
    assert "<secret><secret-redacted /></secret>" in config
    with pytest.raises(ValueError, match="no folder"):
        mock.add_credential("x", folder="missing")
    with pytest.raises(ValueError, match="already exists"):
        mock.add_credential("registry-token")


def test_scripts_are_recorded_and_answered(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.on_script(r"Jenkins\.instance\.clouds", "clouds: docker-farm\n")
    assert server.run_script("println(Jenkins.instance.clouds)") == "clouds: docker-farm"
    assert server.run_script("println 'hello'\nprintln(\"world\")") == "hello\nworld"
    assert len(mock.scripts_run) == 2
    assert mock.scripts_run[0].startswith("println(Jenkins.instance.clouds)\n")  # python-jenkins adds a line
    mock.add_node("builder-1", "linux")
    assert server.run_script("println 'on the agent'", node="builder-1") == "on the agent"
    mock.add_node("gone", "linux", offline=True)
    with pytest.raises(jenkins.NotFoundException):
        server.run_script("println 1", node="gone")
    mock.deny("Overall/Administer")
    with pytest.raises(jenkins.JenkinsException, match="missing the Overall/Administer permission"):
        server.run_script("println 1")
    assert len(mock.scripts_run) == 3


def test_a_script_posted_as_a_form(mock: MockJenkins) -> None:
    response = requests.post(f"{URL}/scriptText", data={"script": "println 'x'"}, auth=("admin", "api-token"))
    assert (response.status_code, response.text) == (200, "x\n")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert mock.scripts_run == ["println 'x'"]
    assert (
        json.loads(requests.get(f"{URL}/pluginManager/api/json", auth=("admin", "api-token")).text)["plugins"]
        == []
    )


def test_a_credential_class_no_plugin_provides_is_a_500(mock: MockJenkins, server: jenkins.Jenkins) -> None:
    mock.add_folder("teamA")
    unknown = "<org.example.NoSuchCredentials><id>x</id></org.example.NoSuchCredentials>"
    with pytest.raises(jenkins.JenkinsException, match="500"):
        server.create_credential("teamA", unknown)
    bad_source = (
        "<com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey><id>k</id>"
        '<privateKeySource class="org.example.Nope"/>'
        "</com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey>"
    )
    with pytest.raises(jenkins.JenkinsException, match="500"):
        server.create_credential("teamA", bad_source)
    assert mock.credentials == {}
    with pytest.raises(ValueError, match=r"CannotResolveClassException: org\.example\.NoSuchCredentials"):
        mock.add_credential("x", config_xml=unknown)
