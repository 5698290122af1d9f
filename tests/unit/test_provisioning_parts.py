"""The provisioner's pure parts, and the Jenkins adapter's node calls against MockJenkins."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
from jenkins_docker_sdk.clients.docker import DockerEngine, TLSFiles
from jenkins_docker_sdk.clients.docker._engine import _split_reference
from jenkins_docker_sdk.errors import JenkinsItemExistsError, JenkinsNotFoundError
from jenkins_docker_sdk.model import AgentTemplate, Farm
from jenkins_docker_sdk.provisioning import DockerHost, NodeMark, Ownership, ProvisionerSettings, RegistryAuth
from jenkins_docker_sdk.provisioning.health import HostHealth, TemplateBreaker
from jenkins_docker_sdk.provisioning.placement import choose, eligible, image_matches
from jenkins_docker_sdk.provisioning.starter import registry_of as _registry_of
from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"


def test_ownership_round_trips_through_labels_and_description() -> None:
    own = Ownership(farm="f1", template="teamA-web", node="teamA-web-0a1b", created=1700000000.25, port=22001)
    assert Ownership.from_labels(own.labels()) == own
    assert Ownership.from_labels({"io.jenkins-docker-sdk.farm": "f1"}) is None
    assert NodeMark.parse(own.description()) == NodeMark("f1", "teamA-web", 1700000000.25)
    assert NodeMark.parse("a static agent") is None


def test_settings_check_the_farm_id_and_bound_the_backoff() -> None:
    settings = ProvisionerSettings(farm_id="farm-1", backoff=1.0, max_backoff=5.0)
    assert [settings.delay(n) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    with pytest.raises(ValueError, match="farm id 'bad id' is not accepted"):
        ProvisionerSettings(farm_id="bad id")
    with pytest.raises(ValueError, match="pull"):
        ProvisionerSettings(farm_id="f", pull="sometimes")  # type: ignore[arg-type]
    auth = RegistryAuth(username="bot", password="s3cr3t")
    assert "s3cr3t" not in repr(auth)
    assert "s3cr3t" not in repr(ProvisionerSettings(farm_id="f", registry_auth={"r": auth}))


def test_breaker_suspends_after_threshold_failures_in_the_window() -> None:
    breaker = TemplateBreaker(threshold=3, window=60, cooldown=300)
    assert breaker.failed("t", 0) is None
    assert breaker.failed("t", 100) is None  # the first one left the window
    assert breaker.failed("t", 110) is None
    assert breaker.failed("t", 120) == 420
    assert breaker.suspended_until("t", 419) == 420
    assert breaker.suspended_until("t", 420) is None
    breaker.failed("t", 500)
    breaker.succeeded("t")
    assert breaker.failed("t", 501) is None  # a success forgets earlier failures


def test_host_health_pings_a_down_host_once_per_recheck() -> None:
    health = HostHealth(recheck=10)
    pings: list[float] = []

    def ping(answer: bool) -> bool:
        pings.append(answer)
        return answer

    health.mark_down("h", 0)
    assert not health.usable("h", 5, lambda: ping(True))  # too early: not even pinged
    assert not health.usable("h", 10, lambda: ping(False))
    assert not health.usable("h", 15, lambda: ping(True))
    assert health.usable("h", 20, lambda: ping(True))
    assert pings == [False, True]
    assert health.down() == frozenset()


def _template(**kwargs: object) -> AgentTemplate:
    return AgentTemplate(name="t", team="a", repo="r", image="i:1", labels={"x"}, **kwargs)  # type: ignore[arg-type]


def test_placement_prefers_image_then_load_then_name() -> None:
    a, b, c = (DockerHost(name=n, engine=DockerEngine(url="unix:///x"), address="127.0.0.1") for n in "abc")
    assert choose([a, b, c], {"a": 0, "b": 0, "c": 5}, {"c": True}) is c
    assert choose([a, b, c], {"a": 2, "b": 1, "c": 5}, {}) is b
    assert choose([a, b, c], {}, {}) is a
    assert choose([], {}, {}) is None
    drydock = DockerHost(name="d", engine=DockerEngine(url="unix:///x"), address="x", labels={"drydock"})
    assert eligible(_template(docker_socket=True), drydock)
    assert not eligible(_template(docker_socket=True), a)
    assert not eligible(_template(), drydock)


def test_image_matches_by_digest_when_pinned() -> None:
    here = frozenset({"sha256:aaa", "sha256:bbb"})
    assert image_matches(here, "reg/x:1")
    assert image_matches(here, "reg/x@sha256:bbb")
    assert not image_matches(here, "reg/x@sha256:ccc")
    assert not image_matches(None, "reg/x:1")


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("busybox", ("busybox", "latest")),
        ("127.0.10.1:5000/jds-test/busybox:1", ("127.0.10.1:5000/jds-test/busybox", "1")),
        ("registry:5000/x", ("registry:5000/x", "latest")),
        ("x@sha256:abc", ("x", "sha256:abc")),
    ],
)
def test_split_reference(image: str, expected: tuple[str, str]) -> None:
    assert _split_reference(image) == expected


def test_registry_of() -> None:
    assert _registry_of("registry.example.com/teamb/x:1") == "registry.example.com"
    assert _registry_of("127.0.10.1:5000/x") == "127.0.10.1:5000"
    assert _registry_of("library/busybox") == "docker.io"
    assert _registry_of("busybox") == "docker.io"


def test_host_from_url() -> None:
    unix = DockerHost.from_url("unix:///var/run/docker.sock")
    assert (unix.name, unix.address, unix.socket_path) == (
        "/var/run/docker.sock",
        "127.0.0.1",
        "/var/run/docker.sock",
    )
    tcp = DockerHost.from_url("tcp://10.0.0.7:2376", labels={"drydock"})
    assert (tcp.name, tcp.address, tcp.socket_path, tcp.drydock) == ("10.0.0.7:2376", "10.0.0.7", None, True)


# --- the Jenkins adapter's node calls -------------------------------------------------------


def _client() -> JenkinsClient:
    return JenkinsClient(url=URL, retry=RetryPolicy(retries=1, backoff=0.0))


def _create(
    client: JenkinsClient, name: str, description: str = "jds agent: farm=f template=t created=1"
) -> None:
    client.create_node(
        name, description=description, labels="a b", remote_fs="/home/jenkins/agent",
        launcher={"stapler-class": "hudson.slaves.JNLPLauncher"},
    )  # fmt: skip


def test_node_calls_create_list_read_secret_and_delete() -> None:
    with MockJenkins(URL) as mock:
        client = _client()
        _create(client, "n1")
        assert set(mock.nodes["n1"].labels) == {"a", "b"}
        [node] = client.list_nodes()
        assert (node.name, node.description) == ("n1", "jds agent: farm=f template=t created=1")
        assert len(client.agent_secret("n1")) == 64
        assert client.delete_node("n1") is True
        assert client.delete_node("n1") is False  # deleting twice is fine
        with pytest.raises(JenkinsNotFoundError):
            client.agent_secret("n1")


def test_node_creation_is_idempotent_only_for_our_own_node() -> None:
    with MockJenkins(URL) as mock:
        client = _client()
        _create(client, "n1")
        _create(client, "n1")  # an earlier attempt went through: done
        assert list(mock.nodes) == ["n1"]
        with pytest.raises(JenkinsItemExistsError, match="agent n1 exists and is not ours"):
            _create(client, "n1", description="someone else's")


def test_static_node_calls_answer_as_python_jenkins_does() -> None:
    """``get_nodes`` / ``get_node_config``: what ``LabelResolver.from_jenkins`` reads."""
    import jenkins

    with MockJenkins(URL) as mock:
        mock.add_node("mac-1", "macos xcode15", mode="EXCLUSIVE")
        mock.add_node("gone", "linux", offline=True)
        client = _client()
        python_jenkins = jenkins.Jenkins(URL)
        assert client.get_nodes() == python_jenkins.get_nodes()
        assert [n["name"] for n in client.get_nodes()] == ["Built-In Node", "mac-1", "gone"]
        assert [n["offline"] for n in client.get_nodes()] == [False, False, True]
        assert client.get_node_config("mac-1") == python_jenkins.get_node_config("mac-1")
        assert "<label>macos xcode15</label>" in client.get_node_config("mac-1")
        with pytest.raises(JenkinsNotFoundError, match="read the configuration of agent nope"):
            client.get_node_config("nope")


def test_tls_files_from_the_docker_cli_environment(tmp_path: Path) -> None:
    assert TLSFiles.from_env({}) is None
    files = TLSFiles.from_env({"DOCKER_CERT_PATH": str(tmp_path), "DOCKER_TLS_VERIFY": "1"})
    assert files == TLSFiles(ca=tmp_path / "ca.pem", cert=tmp_path / "cert.pem", key=tmp_path / "key.pem")
    for name in ("ca.pem", "cert.pem", "key.pem"):
        (tmp_path / name).write_text("not checked before a connection\n")
    host = DockerHost.from_url("tcp://10.0.0.7:2376", tls=files)
    api = host.engine.api  # made, not connected
    try:
        assert api.base_url == "https://10.0.0.7:2376"
        assert api.cert == (str(tmp_path / "cert.pem"), str(tmp_path / "key.pem"))
        assert api.verify == str(tmp_path / "ca.pem")
    finally:
        host.engine.close()


def test_settings_for_a_farm(example_farm: Farm) -> None:
    settings = ProvisionerSettings.for_farm(example_farm)
    assert (settings.farm_id, settings.cloud_cap) == ("docker-farm", 100)
    blue = ProvisionerSettings.for_farm(example_farm, farm_id="blue", cloud_cap=None, retries=0)
    assert (blue.farm_id, blue.cloud_cap, blue.retries) == ("blue", 100, 0)  # None: the farm's value
