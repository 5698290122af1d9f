"""Canary secrets through everything: render, audit, apply, sync, container delivery and failures.

Every credential of the example farm gets a distinct canary value in the value source. The
canaries must then appear in no output file, no log record, no command output, no exception
text, no ``docker inspect``, and in no request to MockJenkins other than the credential
writes themselves.
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path

import docker
import pytest
import yaml

from jenkins_docker_sdk import CredentialInjector, Farm
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.clients import JenkinsClient
from jenkins_docker_sdk.credentials.delivery import AgentSecret
from jenkins_docker_sdk.credentials.masking import SecretMasker, encoded_forms
from jenkins_docker_sdk.credentials.sources import MappingSource
from jenkins_docker_sdk.errors import DockerError
from jenkins_docker_sdk.provisioning import (
    DockerHost,
    ProvisionerSettings,
    RegistryAuth,
    SlaveProvisioner,
    StaticBackend,
)
from jenkins_docker_sdk.testing import MockJenkins
from jenkins_docker_sdk.testing._http import Request, Response
from tests.conftest import EXAMPLE_FARM
from tests.credentials.conftest import secrets_of
from tests.provisioning.conftest import JNLP_STAND_IN, template
from tests.support.docker_harness import Harness

URL, TOKEN = "http://jenkins.test", "canary-bot-token"
CREDENTIAL_WRITE = ("/createCredentials", "/config.xml")


class RecordingJenkins(MockJenkins):
    """MockJenkins that also keeps every request whole (method, path, query, body)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.requests: list[Request] = []

    def handle(self, request: Request) -> Response | None:
        self.requests.append(request)
        return super().handle(request)


def _forms(values: dict[str, str]) -> set[str]:
    return {form for secret in secrets_of(values) for form in encoded_forms(secret)}


def _leaked(text: str, forms: set[str]) -> list[str]:
    return sorted(form for form in forms if form in text)


@pytest.fixture
def value_file(tmp_path: Path, canaries: dict[str, str]) -> Path:
    path = tmp_path / "values.yml"
    path.write_text(yaml.safe_dump(canaries))
    path.chmod(0o600)
    return path


def test_canaries_stay_out_of_outputs_logs_errors_and_requests(
    tmp_path: Path,
    canaries: dict[str, str],
    value_file: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    forms = _forms(canaries)
    out = tmp_path / "out"
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    login = ["--jenkins", URL, "--user", "bot", "--token-env", "BOT_TOKEN"]
    sync = ["credentials", "sync", str(EXAMPLE_FARM), *login, "--retries", "0"]
    sync += ["--values-from", f"file:{value_file}"]
    caplog.set_level(logging.DEBUG)
    errors: list[str] = []

    with RecordingJenkins(URL, users={"bot": TOKEN}) as jenkins:
        assert main(["render", str(EXAMPLE_FARM), "-o", str(out)]) == 0
        assert main(["audit", str(out), "--values-from", f"file:{value_file}"]) == 0
        assert main(["apply", str(out), *login]) == 0  # creates the team folders
        assert main(sync) == 0
        assert main(sync) == 0  # the second time, every credential is updated
        assert main(["--debug", *sync]) == 0

        # failure paths, with the values in scope
        echo = f"java.io.IOException: cannot store {canaries['REGISTRY_PULL_PASSWORD']}"
        jenkins.fail("POST", "/credentials/store/system/", status=500, times=None, body=echo)
        assert main(sync) == 1
        jenkins.clear_faults()
        monkeypatch.setattr(
            "sys.stdin", io.StringIO(yaml.safe_dump({"REGISTRY_PULL_PASSWORD": "cAnArY-stdin-only"}))
        )
        assert main([*sync[:-2], "--values-from", "stdin"]) == 2

        injector = CredentialInjector(masker=SecretMasker())
        farm = Farm.from_path(EXAMPLE_FARM)

        class Failing:
            """Stores that fail with the credential's XML in the message, as a careless adapter might."""

            def create_credential(self, folder: str, config_xml: str, *, domain: str = "_") -> bool:
                raise RuntimeError(f"could not post {config_xml}")

            def update_credential(
                self, folder: str, credential_id: str, config_xml: str, *, domain: str = "_"
            ) -> None:
                raise AssertionError("not reached")

        with pytest.raises(RuntimeError) as caught:
            injector.sync(farm, Failing(), MappingSource(canaries))
        errors.append(str(caught.value))
        assert caught.value.__cause__ is None
        assert caught.value.__context__ is None

        class Flaky:
            """A source whose backend fails mid-way, quoting a value it already handed out."""

            def describe(self) -> str:
                return "a flaky vault"

            def get(self, name: str) -> str | None:
                if name.startswith("TEAMA"):
                    raise ConnectionError(
                        f"vault timed out after returning {canaries['REGISTRY_PULL_PASSWORD']}"
                    )
                return canaries.get(name)

        with pytest.raises(ConnectionError) as caught_source:
            injector.sync(farm, Failing(), Flaky())
        errors.append(str(caught_source.value))
        assert "****" in errors[-1]

    output = capsys.readouterr()
    files = {str(p): p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file()}
    assert {name: _leaked(text, forms) for name, text in files.items() if _leaked(text, forms)} == {}
    assert _leaked(output.out + output.err, forms) == []
    assert "cannot store ****" in output.err
    assert _leaked("\n".join(r.getMessage() for r in caplog.records) + caplog.text, forms) == []
    assert _leaked("\n".join(errors), forms) == []

    carrying = []
    for request in jenkins.requests:
        text = f"{request.method} {request.path} {request.query} {request.body.decode('utf-8', 'replace')}"
        if _leaked(text, forms):
            carrying.append(request)
            assert request.method == "POST", text[:200]
            assert "/credentials/store/" in request.path, request.path
            assert request.path.endswith(CREDENTIAL_WRITE), request.path
    assert len(carrying) >= 3 * 16  # created once, updated twice; and the failed attempts
    assert len(jenkins.credentials) == 16


@pytest.mark.docker
def test_canaries_stay_out_of_docker_inspect(
    docker_engine: docker.DockerClient, docker_harness: Harness, canaries: dict[str, str]
) -> None:
    injector = CredentialInjector(masker=SecretMasker())
    values = {
        v.credential.key: v
        for v in injector.read_values(Farm.from_path(EXAMPLE_FARM), MappingSource(canaries))
    }
    secrets = [
        AgentSecret("registry-password", values["registry-pull"].reveal("PASSWORD") or ""),
        AgentSecret("signing-key", values["teamD/teamD-signing-key"].reveal("PRIVATE_KEY") or ""),
    ]
    delivery = injector.delivery(docker_engine)
    run_id = f"credentials-canary-{uuid.uuid4().hex[:8]}"
    reads = " && ".join(f'test -s "{delivery.path(s)}"' for s in secrets)
    container = docker_engine.containers.create(
        docker_harness.busybox_image,
        delivery.wait_command(["sh", "-c", reads]),
        network_mode="none",
        labels={"io.jenkins-docker-sdk.test": run_id},
        **delivery.container_options(),
    )
    forms = _forms(canaries)
    try:
        container.start()
        delivery.deliver(container.id, secrets)
        assert container.wait(timeout=60)["StatusCode"] == 0  # the agent read both files
        inspected = str(docker_engine.api.inspect_container(container.id))
        assert _leaked(inspected, forms) == []
        assert _leaked(container.logs().decode(), forms) == []
        with pytest.raises(DockerError) as caught:  # a failure mid-way: the container has exited
            delivery.deliver(container.id, secrets)
        assert _leaked(str(caught.value), forms) == []
    finally:
        container.remove(force=True)


@pytest.mark.docker
def test_canaries_stay_out_of_a_provisioned_agent(
    docker_engine: docker.DockerClient,
    docker_harness: Harness,
    canaries: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A jnlp agent provisioned on the real engine, pulling with the canary registry password
    in scope: no trace of any canary in its container, the logs or the controller's requests."""
    caplog.set_level(logging.DEBUG)
    forms = _forms(canaries)
    injector = CredentialInjector(masker=SecretMasker())
    values = {
        v.credential.key: v
        for v in injector.read_values(Farm.from_path(EXAMPLE_FARM), MappingSource(canaries))
    }
    pull = values["registry-pull"]
    auth = {
        docker_harness.registry: RegistryAuth(
            username=pull.reveal("USERNAME") or "", password=pull.reveal("PASSWORD") or ""
        )
    }
    image = f"{docker_harness.registry}/{docker_harness.busybox_image}"
    settings = ProvisionerSettings(
        farm_id=f"canary-{uuid.uuid4().hex[:8]}", backoff=0.0, readiness_timeout=30.0,
        commands={"jnlp": JNLP_STAND_IN}, registry_auth=auth, pull="always",
    )  # fmt: skip
    jenkins = RecordingJenkins()
    with jenkins.serve() as server:  # over HTTP: responses mode would catch the Docker API too
        provisioner = SlaveProvisioner(
            templates=[template(image, connector="jnlp")],
            backend=StaticBackend(fixed=[DockerHost.from_url(docker_harness.docker_host)]),
            jenkins=JenkinsClient(url=server.url, timeout=10.0),
            settings=settings,
        )
        agent = provisioner.provision("web")
        try:
            inspected = str(docker_engine.api.inspect_container(agent.node))
            logs = docker_engine.containers.get(agent.node).logs().decode()
        finally:
            provisioner.release(agent)
            provisioner.close()
        sent = [f"{r.method} {r.path} {r.query} {r.body!r}" for r in jenkins.requests]
    assert _leaked(pull.reveal("PASSWORD") or "", forms) != []  # the password in scope is a canary
    assert any("/computer/doCreateItem" in line for line in sent)  # the controller was used
    assert _leaked(inspected, forms) == []
    assert _leaked(logs, forms) == []
    assert _leaked(caplog.text, forms) == []
    assert _leaked(repr(provisioner) + repr(agent), forms) == []
    assert _leaked("\n".join(sent), forms) == []
    assert jenkins.nodes == {}
