"""Pull credentials: an agent image in a registry that wants a login (a private registry with
htpasswd auth, started by the test) is pulled with the farm's credentials, and not without."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.errors import ProvisioningFailedError
from jenkins_docker_sdk.provisioning import DockerHost, RegistryAuth
from tests.provisioning.conftest import Farmhand, assert_nothing_leaked, template
from tests.support.docker_harness import Harness

pytestmark = pytest.mark.docker

USER, PASSWORD = "jds-bot", "jds-test-pull-password"
# bcrypt of PASSWORD (cost 5), as `htpasswd -B` writes it; nothing real
HTPASSWD = f"{USER}:$2b$05$BC/Z9.YhwgONI72Q50VB/etnyYd1e/NlpVXNI3ekJt7kxXoNwdrY6\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def locked_registry() -> Iterator[str]:
    """A registry on loopback that answers 401 without a login: its ``host:port``."""
    root = Path(tempfile.mkdtemp(prefix="jds-registry-"))
    address = f"127.0.0.1:{free_port()}"
    (root / "htpasswd").write_text(HTPASSWD)
    (root / "config.yml").write_text(
        "version: 0.1\nlog: {level: warn}\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}}}\n"
        f"http: {{addr: {address}}}\n"
        f"auth: {{htpasswd: {{realm: jds-test, path: {root / 'htpasswd'}}}}}\n"
    )
    log = (root / "registry.log").open("wb")
    process = subprocess.Popen(["docker-registry", "serve", str(root / "config.yml")], stdout=log, stderr=log)
    log.close()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://{address}/v2/", timeout=2).close()
            except urllib.error.HTTPError as answer:
                if answer.code == 401:
                    answer.close()
                    break
                answer.close()
            except OSError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"registry not ready; read {root / 'registry.log'}")
            time.sleep(0.05)
        yield address
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


def test_agent_image_is_pulled_with_the_farms_registry_credentials(
    farmhand: Farmhand,
    docker_harness: Harness,
    docker_engine: docker.DockerClient,
    locked_registry: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    image = f"{locked_registry}/jds-test/locked-busybox:{farmhand.farm_id}"
    docker_engine.images.get(docker_harness.busybox_image).tag(image)
    worker = docker.DockerClient(base_url=docker_harness.node_hosts[1], version="1.41")
    try:
        login = {"username": USER, "password": PASSWORD}
        for line in docker_engine.images.push(image, stream=True, decode=True, auth_config=login):
            assert "error" not in line, line
        on_worker = [DockerHost.from_url(docker_harness.node_hosts[1], name="worker")]

        without = farmhand.provisioner([template(image)], hosts=on_worker, retries=0)
        with pytest.raises(ProvisioningFailedError, match=r"cannot pull .*no basic auth credentials"):
            without.provision("web")

        auth = {locked_registry: RegistryAuth(username=USER, password=PASSWORD)}
        provisioner = farmhand.provisioner([template(image)], hosts=on_worker, registry_auth=auth)
        agent = provisioner.provision("web")
        assert agent.host == "worker"
        provisioner.release(agent)
        assert_nothing_leaked(farmhand)
        assert PASSWORD not in caplog.text
        assert PASSWORD not in repr(provisioner)
    finally:
        for client in (docker_engine, worker):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(image)
        worker.close()


def test_jds_provision_takes_registry_credentials(
    farmhand: Farmhand,
    docker_harness: Harness,
    docker_engine: docker.DockerClient,
    locked_registry: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    image = f"{locked_registry}/jds-test/locked-busybox:{farmhand.farm_id}"
    docker_engine.images.get(docker_harness.busybox_image).tag(image)
    repo = tmp_path / "farm" / "teamA" / "locked"
    repo.mkdir(parents=True)
    (tmp_path / "farm" / "farm.yml").write_text("cloud: {name: locked}\n")
    (repo / "Dockerfile").write_text("FROM debian:12.7-slim\nUSER 1000\n")
    (repo / "jenkins-docker.yml").write_text(
        f"agent:\n  image: {image}\n  labels: [locked]\n  connector: attach\n"
    )
    where = ["--farm", str(tmp_path / "farm"), "--docker-host", docker_harness.node_hosts[1],
             "--jenkins", farmhand.server.url, "--farm-id", farmhand.farm_id,
             "--registry-auth", f"{locked_registry}={USER}"]  # fmt: skip
    worker = docker.DockerClient(base_url=docker_harness.node_hosts[1], version="1.41")
    try:
        login = {"username": USER, "password": PASSWORD}
        for line in docker_engine.images.push(image, stream=True, decode=True, auth_config=login):
            assert "error" not in line, line
        assert main(["provision", "locked", "--team", "teamA", *where]) == 2  # no password in the environment
        assert "JDS_REGISTRY_PASSWORD is unset or empty" in capsys.readouterr().err
        monkeypatch.setenv("JDS_REGISTRY_PASSWORD", PASSWORD)
        assert main(["provision", "locked", "--team", "teamA", *where, "--json"]) == 0
        out, err = capsys.readouterr()
        assert PASSWORD not in out + err
        node = json.loads(out)["node"]
        assert main(["release", node, *where]) == 0
        assert_nothing_leaked(farmhand)
    finally:
        for client in (docker_engine, worker):
            with contextlib.suppress(docker.errors.ImageNotFound):
                client.images.remove(image)
        worker.close()
