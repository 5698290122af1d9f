"""The image stage without Docker: archives and layer tars built in memory."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk.clients.docker import ChunkStream
from jenkins_docker_sdk.errors import ArchiveError, DockerError
from jenkins_docker_sdk.secret_rules import scan_file
from jenkins_docker_sdk.validation.findings import redact
from jenkins_docker_sdk.validation.image_checks import check_image
from jenkins_docker_sdk.validation.layers import merge, read_image, walk_layer, wasted_bytes

# A layer is a list of (path, content or None for a directory, mode).
Spec = list[tuple[str, "bytes | None", int]]

FAKE_KEY = (
    b"-----BEGIN OPENSSH PRIVATE KEY-----\n"
    b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"
    b"-----END OPENSSH PRIVATE KEY-----\n"
)


def layer_tar(spec: Spec) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data, mode in spec:
            info = tarfile.TarInfo(name)
            info.mode = mode
            if data is None:
                info.type = tarfile.DIRTYPE
                tar.addfile(info)
            else:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def archive(layers: list[Spec], *, env: tuple[str, ...] = (), oci: bool = False) -> io.BytesIO:
    """An image archive as ``docker save`` writes it: classic layout, or OCI blobs."""
    blobs = [layer_tar(spec) for spec in layers]
    digests = ["sha256:" + hashlib.sha256(blob).hexdigest() for blob in blobs]
    config = json.dumps(
        {"config": {"Env": list(env)}, "rootfs": {"type": "layers", "diff_ids": digests}}
    ).encode()
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        if oci:
            for digest, blob in zip(digests, blobs, strict=True):
                add(tar, f"blobs/sha256/{digest[7:]}", blob)
            add(tar, f"blobs/sha256/{config_digest[7:]}", config)
            manifest = json.dumps(
                {"config": {"digest": config_digest}, "layers": [{"digest": d} for d in digests]}
            ).encode()
            manifest_digest = "sha256:" + hashlib.sha256(manifest).hexdigest()
            add(tar, f"blobs/sha256/{manifest_digest[7:]}", manifest)
            add(tar, "index.json", json.dumps({"manifests": [{"digest": manifest_digest}]}).encode())
        else:
            names = []
            for index, blob in enumerate(blobs):
                names.append(f"{index:064x}/layer.tar")
                add(tar, names[-1], blob)
            add(tar, f"{config_digest[7:]}.json", config)
            add(
                tar,
                "manifest.json",
                json.dumps([{"Config": f"{config_digest[7:]}.json", "Layers": names}]).encode(),
            )
    buffer.seek(0)
    return buffer


def test_whiteouts_and_opaque_dirs_as_overlayfs_applies_them() -> None:
    layers = [
        [
            ("etc", None, 0o755),
            ("etc/a", b"1", 0o644),
            ("opt/x/1", b"11", 0o644),
            ("opt/x/sub/2", b"2", 0o644),
        ],
        [("etc/.wh.a", b"", 0o644), ("opt/x/.wh..wh..opq", b"", 0o644), ("opt/x/new", b"333", 0o644)],
    ]
    image = read_image(archive(layers))
    view = merge(image.layers)
    assert "/etc/a" not in view
    assert "/etc" in view
    assert sorted(p for p in view if p.startswith("/opt/x/")) == ["/opt/x/new"]
    assert image.layers[1].whiteouts == ("/etc/a",)
    assert image.layers[1].opaque_dirs == ("/opt/x",)
    # the whiteout markers are no files: layer 1 adds 3 bytes
    assert [layer.size for layer in image.layers] == [4, 3]


@pytest.mark.parametrize("oci", [False, True], ids=["classic", "oci"])
def test_both_archive_layouts_give_the_same_layers(oci: bool) -> None:
    image = read_image(archive([[("a", b"x" * 10, 0o644)], [("b", b"y" * 5, 0o4755)]], oci=oci))
    assert [layer.index for layer in image.layers] == [0, 1]
    assert [layer.size for layer in image.layers] == [10, 5]
    assert all(layer.digest.startswith("sha256:") for layer in image.layers)
    assert merge(image.layers)["/b"].mode == 0o4755


def test_waste_of_a_file_rewritten_three_times_counts_each_hidden_copy_once() -> None:
    layers = [[("f", b"a" * 100, 0o644)], [("f", b"b" * 200, 0o644)], [("f", b"c" * 50, 0o644)]]
    assert wasted_bytes(read_image(archive(layers)).layers) == 300


def test_waste_of_a_deleted_file_is_its_size_once_not_twice() -> None:
    """dive's issue #684: dive counts the deleted 500 bytes twice (the copy and the whiteout)."""
    layers = [[("big", b"z" * 500, 0o644), ("keep", b"k" * 7, 0o644)], [(".wh.big", b"", 0o644)]]
    assert wasted_bytes(read_image(archive(layers)).layers) == 500


def test_waste_under_an_opaque_dir_and_a_replaced_dir() -> None:
    layers = [
        [("d/one", b"1" * 10, 0o644), ("e/two", b"2" * 20, 0o644)],
        [("d/.wh..wh..opq", b"", 0o644), ("e", b"now a file", 0o644)],
    ]
    image = read_image(archive(layers))
    assert "/e/two" not in merge(image.layers)
    assert wasted_bytes(image.layers) == 30


def test_a_key_deleted_later_is_found_in_its_layer_and_never_shown() -> None:
    layers = [[("root/.ssh/id_ed25519", FAKE_KEY, 0o600)], [("root/.ssh/.wh.id_ed25519", b"", 0o644)]]
    report = check_image("img", archive(layers))
    (finding,) = report.findings_of("secret-files")
    assert finding.path == "/root/.ssh/id_ed25519"
    assert finding.layer is not None
    assert finding.layer.startswith("layer 0 sha256:")
    assert "deleted or overwritten by a later layer" in finding.title
    assert b"b3BlbnNzaC1rZXkt"[:8].decode() not in finding.title


def test_env_secret_in_the_config_is_redacted() -> None:
    report = check_image(
        "img", archive([[("a", b"1", 0o644)]], env=("PATH=/bin", "DEPLOY_TOKEN=s3cr3t-value-42"))
    )
    (finding,) = report.findings_of("secret-config-env")
    assert "DEPLOY_TOKEN" in finding.title
    assert redact("s3cr3t-value-42") in finding.title
    assert "s3cr3t-value" not in finding.title


@pytest.mark.parametrize(
    ("path", "content", "kind"),
    [
        ("home/u/.git-credentials", b"https://bob:ghp_abcdefabcdef1234@github.com\n", "user:password@ URL"),
        (
            "home/u/.docker/config.json",
            b'{"auths": {"r.example": {"auth": "Ym9iOnNlY3JldHM="}}}',
            "Docker registry",
        ),
        (
            "home/u/.m2/settings.xml",
            b"<servers><server><password>hunter22</password></server></servers>",
            "Maven",
        ),
        ("home/u/.npmrc", b"//registry.npmjs.org/:_authToken=npm_abcdef0123456789\n", "npm _authToken"),
        ("opt/app/conf.txt", b"aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n", "AWS access key id"),
        ("etc/ssh/ssh_host_rsa_key", FAKE_KEY, "sshd host key"),
    ],
)
def test_secret_rules(path: str, content: bytes, kind: str) -> None:
    hits = scan_file("/" + path, len(content), io.BytesIO(content).read)
    assert [kind in hit.kind for hit in hits] == [True]


def test_placeholders_and_unrelated_files_are_not_secrets() -> None:
    settings = b"<password>${env.MAVEN_PASSWORD}</password>"
    assert scan_file("/root/.m2/settings.xml", len(settings), io.BytesIO(settings).read) == []
    readme = b"see https://example.com/docs and AKIA (not a key)"
    assert scan_file("/usr/share/doc/x/README", len(readme), io.BytesIO(readme).read) == []


def test_commented_out_examples_in_maven_settings_are_not_secrets() -> None:
    # Apache Maven's own conf/settings.xml (in the official maven images) shows its <server>
    # and <proxy> entries in XML comments; Maven ignores them, and so does the gate
    settings = b"""<settings>
  <proxies>
    <!--
    <proxy><username>proxyuser</username><password>proxypass</password></proxy>
    -->
  </proxies>
  <!-- <server><id>deploymentRepo</id><password>repopwd</password></server> -->
  <servers><server><id>real</id><password>hunter22</password></server></servers>
</settings>
"""
    hits = scan_file("/usr/share/maven/conf/settings.xml", len(settings), io.BytesIO(settings).read)
    assert [hit.secret for hit in hits] == ["hunter22"]


def test_setuid_in_the_final_view_only_and_the_allow_list() -> None:
    layers = [
        [("bin/su", b"su", 0o4755), ("bin/gone", b"g", 0o2755), ("bin/ok", b"ok", 0o755)],
        [("bin/.wh.gone", b"", 0o644)],
    ]
    report = check_image("img", archive(layers))
    assert [f.path for f in report.findings_of("setuid")] == ["/bin/su"]
    assert check_image("img", archive(layers), setuid_allowed=["/bin/su"]).passed("setuid")


def test_thresholds_make_the_size_and_waste_checks_fail() -> None:
    layers = [[("f", b"a" * 1000, 0o644)], [("f", b"b" * 1000, 0o644)]]
    report = check_image("img", archive(layers), max_size_mb=0.001, max_wasted_percent=10)
    assert not report.passed("image-size")
    assert not report.passed("image-waste")
    assert "1000 bytes (50.0 % of 2000)" in report.findings_of("image-waste")[0].title
    assert check_image("img", archive(layers), max_wasted_percent=50).passed("image-waste")


def test_a_stream_that_is_no_image_archive_is_an_error() -> None:
    with pytest.raises(ArchiveError):
        read_image(io.BytesIO(b"not a tar at all" * 100))
    with pytest.raises(ArchiveError, match="no manifest"):
        read_image(io.BytesIO(layer_tar([("a", b"1", 0o644)])))


def test_walk_layer_reads_gzip_layers_too() -> None:
    import gzip

    walked = walk_layer(io.BytesIO(gzip.compress(layer_tar([("x", b"12", 0o644)]))))
    assert [(e.path, e.size) for e in walked.entries] == [("/x", 2)]


def test_a_classic_layer_tar_that_is_a_symlink_to_an_identical_layer() -> None:
    """docker save writes a layer shared by two layer ids once, the other as a symlink."""
    blob = layer_tar([("same", b"s" * 9, 0o644)])
    digest = "sha256:" + hashlib.sha256(blob).hexdigest()
    config = json.dumps({"rootfs": {"diff_ids": [digest, digest]}}).encode()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        add(tar, "aaa/layer.tar", blob)
        link = tarfile.TarInfo("bbb/layer.tar")
        link.type = tarfile.SYMTYPE
        link.linkname = "../aaa/layer.tar"
        tar.addfile(link)
        add(tar, "c.json", config)
        add(
            tar,
            "manifest.json",
            json.dumps([{"Config": "c.json", "Layers": ["aaa/layer.tar", "bbb/layer.tar"]}]).encode(),
        )
    buffer.seek(0)
    image = read_image(buffer)
    assert [(layer.index, layer.size) for layer in image.layers] == [(0, 9), (1, 9)]
    assert [entry.layer for entry in image.layers[1].entries] == [1]
    assert wasted_bytes(image.layers) == 9


def test_chunk_stream_feeds_the_reader_and_reports_a_broken_export() -> None:
    data = archive([[("a", b"x" * 3000, 0o644)], [("b", b"y", 0o644)]]).getvalue()
    chunks = iter([data[i : i + 777] for i in range(0, len(data), 777)])
    image = read_image(io.BufferedReader(ChunkStream(chunks), buffer_size=4096))
    assert [layer.size for layer in image.layers] == [3000, 1]

    def broken() -> Iterator[bytes]:
        yield data[:1024]
        raise ConnectionError("connection reset")

    with pytest.raises(DockerError, match="export stopped: connection reset"):
        read_image(io.BufferedReader(ChunkStream(broken())))


VALID = archive(
    [[("etc", None, 0o755), ("etc/motd", b"hi", 0o644)], [("etc/.wh.motd", b"", 0o644)]]
).getvalue()


@settings(max_examples=1000, deadline=None)
@given(st.integers(0, len(VALID)), st.binary(max_size=8), st.booleans())
def test_a_damaged_archive_is_an_archive_error_or_an_image_never_a_crash(
    at: int, junk: bytes, truncate: bool
) -> None:
    """The archive crosses a trust boundary (the engine's export of a team's image)."""
    data = VALID[:at] if truncate else VALID[:at] + junk + VALID[at + len(junk) :]
    try:
        image = read_image(io.BytesIO(data), scan_file)
    except ArchiveError:
        return
    merge(image.layers)


@pytest.mark.parametrize(
    "manifest",
    [
        b"[{}]",
        b'[{"Config": 1, "Layers": "x"}]',
        b'{"Config": "c"}',
        b"[]",
        b'[{"Config": "c.json", "Layers": [1]}]',
    ],
)
def test_a_manifest_of_the_wrong_shape_is_an_archive_error(manifest: bytes) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        add(tar, "c.json", b'{"rootfs": {"diff_ids": []}}')
        add(tar, "manifest.json", manifest)
    with pytest.raises(ArchiveError):
        read_image(io.BytesIO(buffer.getvalue()))


def test_a_public_key_fingerprint_in_env_is_not_a_secret() -> None:
    env = (
        "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
        "DEPLOY_TOKEN=A035C8C19219BA821ECEA86B64E628F8D684696D",
    )
    report = check_image("img", archive([[("a", b"1", 0o644)]], env=env))
    assert [f.path for f in report.findings_of("secret-config-env")] == ["config:Env:DEPLOY_TOKEN"]
