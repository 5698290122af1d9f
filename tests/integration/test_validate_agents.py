"""The whole gate on real agent images built FROM the harness's debootstrap bookworm base
(openssh-server, git, openjdk-17): good ssh and jnlp agents pass, each bad one is caught
with the right rule and location."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from jenkins_docker_sdk.model import Connector
from jenkins_docker_sdk.validation import ImageValidator, ValidationReport, load_policy
from jenkins_docker_sdk.validation.probes import PROBE_LABELS
from tests.support.docker_harness import Harness, image_builder

pytestmark = pytest.mark.docker

Build = Callable[[str], str]

KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ"

SSH_AGENT = """\
RUN useradd --create-home --uid 1000 jenkins
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D", "-e"]
"""

ENTRYPOINT = r'#!/bin/sh\n# start the agent: run the command given\nexec "$@"\n'
JNLP_AGENT = f"""\
RUN useradd --create-home --uid 1000 jenkins \\
 && mkdir -p /home/jenkins/agent && chown jenkins:jenkins /home/jenkins/agent \\
 && printf '{ENTRYPOINT}' > /usr/local/bin/jenkins-agent && chmod 755 /usr/local/bin/jenkins-agent
USER jenkins
WORKDIR /home/jenkins
ENTRYPOINT ["/usr/local/bin/jenkins-agent"]
"""


@pytest.fixture(scope="module")
def build(docker_harness: Harness, docker_engine: docker.DockerClient) -> Iterator[Build]:
    """Build a Dockerfile body FROM the agent base (no network); images removed at the end."""
    with image_builder(docker_engine, docker_harness.agent_image, "agent") as build:
        yield build


@pytest.fixture(autouse=True)
def no_probe_container_left(docker_engine: docker.DockerClient) -> Iterator[None]:
    yield
    label = "=".join(next(iter(PROBE_LABELS.items())))
    assert docker_engine.containers.list(all=True, filters={"label": label}) == []


def validate(
    engine: docker.DockerClient, image: str, connector: Connector, **options: object
) -> ValidationReport:
    validator = ImageValidator(policy=load_policy(), connector=connector)
    return validator.validate_image(image, client=engine, **options)  # type: ignore[arg-type]


def errors(report: ValidationReport) -> set[tuple[str, str]]:
    """(rule, check) of every error."""
    return {(f.id, f.check) for f in report.findings if f.severity == "error"}


def test_a_good_ssh_agent_passes(build: Build, docker_engine: docker.DockerClient) -> None:
    report = validate(docker_engine, build(SSH_AGENT), "ssh")
    assert report.ok, report.findings
    assert {"command: java runtime for the agent (17 or later)", "sshd", "file: sshd", "metadata"} <= {
        check.name for check in report.checks
    }


def test_a_good_jnlp_agent_passes(build: Build, docker_engine: docker.DockerClient) -> None:
    report = validate(docker_engine, build(JNLP_AGENT), "jnlp")
    assert report.ok, report.findings
    assert report.count("warning") == 0
    assert {"command: git", "command: shell", "entrypoint", "agent-user", "workspace"} <= {
        check.name for check in report.checks
    }


def test_no_java_fails_the_java_command_test(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(JNLP_AGENT + "USER root\nRUN rm /usr/bin/java /etc/alternatives/java\nUSER jenkins")
    report = validate(docker_engine, image, "jnlp")
    assert errors(report) == {("JDS301", "command: java runtime for the agent (17 or later)")}
    (finding,) = report.findings
    assert finding.path == "commandTests: java runtime for the agent (17 or later)"
    assert "exited 127, expected 0" in finding.title
    assert "java" in finding.title


def test_no_git_fails_the_git_command_test(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(SSH_AGENT + "RUN rm /usr/bin/git")
    report = validate(docker_engine, image, "ssh")
    assert errors(report) == {("JDS301", "command: git")}


def test_a_jnlp_agent_running_as_root(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(JNLP_AGENT + "USER root")
    report = validate(docker_engine, image, "jnlp")
    assert errors(report) == {("JDS305", "agent-user")}
    assert report.findings_of("agent-user")[0].path == "config:User"
    allowed = ImageValidator(policy=load_policy(), connector="jnlp")
    root_allowed = attrs_evolve_policy(allowed, allow_root_user=True)
    assert root_allowed.validate_image(image, client=docker_engine).ok


def attrs_evolve_policy(validator: ImageValidator, **changes: object) -> ImageValidator:
    import attrs

    return attrs.evolve(validator, policy=attrs.evolve(validator.policy, **changes))


def test_a_secret_in_env(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(JNLP_AGENT + "ENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    report = validate(docker_engine, image, "jnlp")
    assert errors(report) == {("JDS204", "secret-config-env")}
    (finding,) = report.findings
    assert finding.path == "config:Env:AWS_SECRET_ACCESS_KEY"
    assert "MDENG" not in finding.title


def test_a_private_key_added_then_deleted(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(
        JNLP_AGENT + "RUN mkdir -p /home/jenkins/.ssh && { echo '-----BEGIN OPENSSH PRIVATE KEY-----';"
        f" echo '{KEY_BODY}'; echo '-----END OPENSSH PRIVATE KEY-----'; }} > /home/jenkins/.ssh/id_ed25519\n"
        "RUN rm /home/jenkins/.ssh/id_ed25519"
    )
    report = validate(docker_engine, image, "jnlp")
    assert errors(report) == {("JDS203", "secret-files")}
    (finding,) = report.findings
    assert finding.path == "/home/jenkins/.ssh/id_ed25519"
    assert finding.layer is not None
    assert finding.layer.startswith("layer 2 sha256:")
    assert "deleted or overwritten by a later layer" in finding.title


def test_pre_generated_sshd_host_keys(build: Build, docker_engine: docker.DockerClient) -> None:
    report = validate(docker_engine, build(SSH_AGENT + "RUN ssh-keygen -A"), "ssh")
    assert errors(report) == {
        ("JDS203", "secret-files"),
        ("JDS302", "file: no baked rsa host key"),
        ("JDS302", "file: no baked ecdsa host key"),
        ("JDS302", "file: no baked ed25519 host key"),
    }
    assert {f.path for f in report.findings_of("secret-files")} == {
        f"/etc/ssh/ssh_host_{kind}_key" for kind in ("rsa", "ecdsa", "ed25519")
    }


def test_three_gigabytes_of_junk(build: Build, docker_engine: docker.DockerClient) -> None:
    # A sparse file: cheap on disk, yet the export streams all 3 GB of it.
    image = build(SSH_AGENT + "RUN truncate -s 3G /var/tmp/junk")
    report = validate(docker_engine, image, "ssh", probes=False)
    assert errors(report) == {("JDS201", "image-size")}
    (finding,) = report.findings
    assert "over the limit of 2048 MB" in finding.title


def test_a_setuid_binary(build: Build, docker_engine: docker.DockerClient) -> None:
    image = build(SSH_AGENT + "RUN cp /bin/true /usr/local/bin/become && chmod 4755 /usr/local/bin/become")
    report = validate(docker_engine, image, "ssh")
    assert errors(report) == {("JDS205", "setuid")}
    assert report.findings[0].path == "/usr/local/bin/become"


def test_an_entrypoint_that_ignores_its_arguments(build: Build, docker_engine: docker.DockerClient) -> None:
    broken = JNLP_AGENT + (
        "USER root\n"
        "RUN printf '#!/bin/sh\\necho starting the agent my way\\n' > /usr/local/bin/jenkins-agent\n"
        "USER jenkins"
    )
    report = validate(docker_engine, build(broken), "jnlp")
    assert errors(report) == {("JDS306", "entrypoint")}
    (finding,) = report.findings
    assert "exited 0: 'starting the agent my way'" in finding.title
    assert finding.path == "config:Entrypoint"
    # the other probes still ran, in a second container with the entrypoint replaced
    assert report.passed("command: git")
    assert report.passed("workspace")


def test_an_entrypoint_that_never_returns_is_stopped_at_the_timeout(
    build: Build, docker_engine: docker.DockerClient
) -> None:
    forever = '"/bin/sh", "-c", "echo starting; exec sleep 600"]'
    image = build(JNLP_AGENT.replace('"/usr/local/bin/jenkins-agent"]', forever))
    validator = ImageValidator(policy=load_policy(), connector="jnlp", probe_timeout=2.0)
    report = validator.validate_image(image, client=docker_engine)
    assert errors(report) == {("JDS306", "entrypoint")}
    assert "still running after 2 s" in report.findings[0].title


def test_a_command_past_the_timeout_is_killed_and_reported(
    build: Build, docker_engine: docker.DockerClient, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "commandTests:\n  - {name: slow, command: sleep, args: ['600']}\n"
        "  - {name: after, command: echo, args: [never]}\n"
    )
    validator = ImageValidator(policy=load_policy(policy), connector="jnlp", probe_timeout=2.0)
    report = validator.validate_image(build(JNLP_AGENT), client=docker_engine)
    # the probes after the slow one did not finish either
    assert {e for e in errors(report) if e[0] in ("JDS301", "JDS307")} == {
        ("JDS301", "command: slow"),
        ("JDS301", "command: after"),
        ("JDS307", "workspace"),
    }
    titles = {f.check: f.title for f in report.findings}
    assert "did not finish" in titles["command: slow"]
    assert "did not finish" in titles["command: after"]


def test_file_and_content_tests_follow_symlinks(
    build: Build, docker_engine: docker.DockerClient, tmp_path: Path
) -> None:
    # bookworm: /bin -> usr/bin, /bin/sh -> dash, /etc/os-release -> ../usr/lib/os-release
    policy = tmp_path / "policy.yml"
    policy.write_text(
        "extends: default\n"
        "fileExistenceTests:\n"
        "  - {name: sh, path: /bin/sh, permissions: -rwxr-xr-x, uid: 0, isExecutableBy: other}\n"
        "  - {name: agent dir, path: /home/jenkins/agent, permissions: drwxr-xr-x, uid: 1000}\n"
        "  - {name: no such, path: /opt/nothing}\n"
        "fileContentTests:\n"
        "  - {name: os, path: /etc/os-release, expectedContents: ['VERSION_CODENAME=bookworm'],"
        " excludedContents: ['bullseye']}\n"
        "  - {name: wrong os, path: /etc/os-release, expectedContents: ['ID=alpine']}\n"
        "metadataTest:\n  user: jenkins\n  workdir: /home/jenkins\n"
        "  entrypoint: [/usr/local/bin/jenkins-agent]\n"
        "  exposedPorts: ['8080']\n"
    )
    validator = ImageValidator(policy=load_policy(policy), connector="jnlp")
    report = validator.validate_image(build(JNLP_AGENT), client=docker_engine, probes=False)
    assert errors(report) == {
        ("JDS302", "file: no such"),
        ("JDS303", "content: wrong os"),
        ("JDS304", "metadata"),
    }
    assert [f.title for f in report.findings_of("metadata")] == ["port 8080 is not exposed (EXPOSE 8080)"]
    assert [f.title for f in report.findings_of("content: wrong os")] == [
        "/etc/os-release does not match 'ID=alpine'"
    ]
