"""The image stage on the real harness engine: small images built FROM the harness busybox."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.clients.docker import exported_image
from jenkins_docker_sdk.errors import DockerError
from jenkins_docker_sdk.validation import ImageValidator, Policy
from jenkins_docker_sdk.validation.layers import ImageArchive, merge, read_image, wasted_bytes
from tests.support.docker_harness import Harness, image_builder

pytestmark = pytest.mark.docker

KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQyNTUxOQ"
AWS_KEY = "AKIAIOSFODNN7EXAMPLE"
ENV_SECRET = "hunter2-hunter2-hunter2"

Build = Callable[[str], str]


@pytest.fixture(scope="module")
def build(docker_harness: Harness, docker_engine: docker.DockerClient) -> Iterator[Build]:
    """Build a Dockerfile body FROM the harness busybox (no network); images removed at the end."""
    with image_builder(docker_engine, docker_harness.busybox_image, "layers") as build:
        yield build


def read(engine: docker.DockerClient, tag: str) -> ImageArchive:
    with exported_image(engine, tag) as stream:
        return read_image(stream)


def test_a_good_image_passes_with_no_error(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build("RUN mkdir -p /home/agent && echo hello > /home/agent/motd\nENV AGENT_WORKDIR=/home/agent")
    report = ImageValidator().validate_image(tag, client=docker_engine)
    assert report.ok, report.findings
    assert report.count("error") == 0
    assert {check.name for check in report.checks} >= {"image-size", "image-waste", "secret-files", "setuid"}


def test_a_private_key_deleted_in_a_later_layer_is_found_with_layer_and_path(
    build: Build, docker_engine: docker.DockerClient
) -> None:
    tag = build(
        "RUN mkdir -p /root/.ssh && { echo '-----BEGIN OPENSSH PRIVATE KEY-----';"
        f" echo '{KEY_BODY}'; echo '-----END OPENSSH PRIVATE KEY-----'; }} > /root/.ssh/id_ed25519\n"
        "RUN rm /root/.ssh/id_ed25519"
    )
    image = read(docker_engine, tag)
    report = ImageValidator().validate_image(tag, client=docker_engine)
    (finding,) = report.findings_of("secret-files")
    assert finding.severity == "error"
    assert finding.path == "/root/.ssh/id_ed25519"
    added = next(
        layer for layer in image.layers if any(e.path == "/root/.ssh/id_ed25519" for e in layer.entries)
    )
    assert added.index == len(image.layers) - 2  # the RUN before the rm
    assert finding.layer == f"layer {added.index} {added.digest[:19]}"
    assert "deleted or overwritten by a later layer" in finding.title
    assert KEY_BODY[:8] not in finding.title
    assert "/root/.ssh/id_ed25519" not in merge(image.layers)


def test_an_aws_key_in_a_file(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build(f"RUN mkdir -p /opt/app && echo 'aws_access_key_id={AWS_KEY}' > /opt/app/aws.conf")
    report = ImageValidator().validate_image(tag, client=docker_engine)
    (finding,) = report.findings_of("secret-files")
    assert finding.path == "/opt/app/aws.conf"
    assert "AWS access key id" in finding.title
    assert AWS_KEY[:5] not in finding.title
    assert "deleted" not in finding.title


def test_a_secret_in_env(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build(f"ENV DEPLOY_PASSWORD={ENV_SECRET} GPG_KEY_ID=0x1234")
    report = ImageValidator().validate_image(tag, client=docker_engine)
    (finding,) = report.findings_of("secret-config-env")
    assert "DEPLOY_PASSWORD" in finding.title
    assert ENV_SECRET[:5] not in finding.title
    assert not report.ok


def test_a_setuid_binary_and_its_allow_list(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build("RUN head -c 64 /dev/zero > /bin/suid-tool && chmod 4755 /bin/suid-tool")
    report = ImageValidator().validate_image(tag, client=docker_engine)
    (finding,) = report.findings_of("setuid")
    assert finding.path == "/bin/suid-tool"
    assert "setuid file (mode 4755" in finding.title
    allowed = ImageValidator().validate_image(tag, client=docker_engine, setuid_allowed=["/bin/suid-tool"])
    assert allowed.passed("setuid")


def test_waste_of_a_file_rewritten_three_times(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build(
        "RUN mkdir /data && head -c 100000 /dev/zero > /data/f\n"
        "RUN head -c 200000 /dev/zero > /data/f\n"
        "RUN head -c 50000 /dev/zero > /data/f"
    )
    image = read(docker_engine, tag)
    assert wasted_bytes(image.layers) == 300_000  # the 100,000 and 200,000 copies, once each
    assert [layer.size for layer in image.layers[-3:]] == [100_000, 200_000, 50_000]


def test_waste_of_a_deleted_file_is_counted_once(build: Build, docker_engine: docker.DockerClient) -> None:
    """dive's issue #684: dive counts the deleted copy again at its whiteout (1,000,000)."""
    tag = build("RUN head -c 500000 /dev/zero > /big\nRUN rm /big")
    image = read(docker_engine, tag)
    assert wasted_bytes(image.layers) == 500_000
    assert image.layers[-1].whiteouts == ("/big",)
    report = ImageValidator().validate_image(tag, client=docker_engine, max_wasted_percent=10)
    (finding,) = report.findings_of("image-waste")
    assert finding.title.startswith(f"500000 bytes ({100 * 500_000 / image.size:.1f} % of {image.size})")


def test_an_opaque_dir_whiteout(build: Build, docker_engine: docker.DockerClient) -> None:
    tag = build(
        "RUN mkdir -p /d/sub && echo 1 > /d/a && echo 22 > /d/sub/b\n"
        "RUN rm -rf /d && mkdir /d && echo 333 > /d/c"
    )
    image = read(docker_engine, tag)
    assert image.layers[-1].opaque_dirs == ("/d",)
    assert sorted(path for path in merge(image.layers) if path.startswith("/d/")) == ["/d/c"]
    assert wasted_bytes(image.layers) == len("1\n") + len("22\n")


def test_a_large_image_over_a_small_size_limit(
    build: Build, docker_engine: docker.DockerClient, docker_harness: Harness
) -> None:
    tag = build("RUN head -c 3145728 /dev/urandom > /junk")
    report = ImageValidator().validate_image(tag, client=docker_engine, max_size_mb=4)
    (finding,) = report.findings_of("image-size")
    assert "over the limit of 4 MB" in finding.title
    base = ImageValidator().validate_image(docker_harness.busybox_image, client=docker_engine, max_size_mb=4)
    assert base.passed("image-size")


def test_cli_validates_an_image_and_writes_no_secret(
    build: Build, docker_harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag = build(f"ENV DEPLOY_PASSWORD={ENV_SECRET}")
    monkeypatch.setenv("DOCKER_HOST", docker_harness.docker_host)
    out = tmp_path / "report.json"
    assert main(["validate", tag, "--format", "json", "-o", str(out)]) == 1
    text = out.read_text(encoding="utf-8")
    assert ENV_SECRET[:5] not in text
    assert "JDS204" in json.dumps(json.loads(text))
    lenient = tmp_path / "policy.yml"  # busybox has no git: the default policy fails it
    lenient.write_text("max_size_mb: 64\n", encoding="utf-8")
    assert main(["validate", docker_harness.busybox_image, "--policy", str(lenient)]) == 0
    assert main(["validate", docker_harness.busybox_image]) == 1
    assert main(["validate", "jds-test/no-such-image:1"]) == 2


def test_a_missing_image_is_a_docker_error(docker_engine: docker.DockerClient) -> None:
    with pytest.raises(DockerError, match="no image"):
        ImageValidator().validate_image("jds-test/no-such-image:1", client=docker_engine)


def test_the_dockerfile_stage_joins_the_same_report(
    build: Build, docker_engine: docker.DockerClient, docker_harness: Harness, tmp_path: Path
) -> None:
    body = f"ENV DEPLOY_PASSWORD={ENV_SECRET}"
    tag = build(body)
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(f"FROM {docker_harness.busybox_image}\n{body}\n", encoding="utf-8")
    report = ImageValidator().validate_image(tag, dockerfile=dockerfile, client=docker_engine)
    assert report.subject == tag
    names = [check.name for check in report.checks]
    assert names.index("hadolint") < names.index("image-size")
    assert {f.id for f in report.findings if f.severity == "error"} >= {"JDS102", "JDS204"}
    (in_dockerfile,) = report.findings_of("secret-env")
    assert in_dockerfile.location is not None
    assert in_dockerfile.location.line == 2


def test_the_policy_sets_the_thresholds_and_allow_list_and_silences_ignored_rules(
    build: Build, docker_engine: docker.DockerClient
) -> None:
    tag = build(
        "RUN head -c 3145728 /dev/urandom > /junk && head -c 64 /dev/zero > /bin/suid-tool"
        " && chmod 4755 /bin/suid-tool\n"
        f"ENV DEPLOY_PASSWORD={ENV_SECRET}"
    )
    strict = Policy(max_size_mb=2, ignore=frozenset({"JDS204"}))
    report = ImageValidator(policy=strict).validate_image(tag, client=docker_engine)
    assert [f.id for f in report.findings_of("image-size")] == ["JDS201"]
    assert [f.path for f in report.findings_of("setuid")] == ["/bin/suid-tool"]
    assert report.findings_of("secret-config-env") == ()
    lenient = Policy(max_size_mb=64, setuid_allowed=("/bin/suid-tool",))
    report = ImageValidator(policy=lenient).validate_image(tag, client=docker_engine)
    assert report.passed("image-size")
    assert report.passed("setuid")
    assert [f.id for f in report.findings_of("secret-config-env")] == ["JDS204"]
