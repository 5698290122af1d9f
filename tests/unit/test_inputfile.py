"""Reading farm files: only regular files, within a size cap, each refusal naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jenkins_docker_sdk import InputError
from jenkins_docker_sdk.reading import MAX_DOCKERFILE_BYTES, MAX_YAML_BYTES, read_text


def _refusal(path: Path, **kwargs: int) -> str:
    with pytest.raises(InputError) as error:
        read_text(path, Path("shown.yml"), **kwargs)
    (problem,) = error.value.problems
    assert str(problem.location) == "shown.yml"
    return problem.message


def test_a_regular_file_up_to_the_cap_is_read(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    path.write_bytes(b"x" * 100)
    assert read_text(path, path, limit=100) == "x" * 100
    assert MAX_YAML_BYTES == 2 * 1024 * 1024
    assert MAX_DOCKERFILE_BYTES == 256 * 1024


def test_a_file_over_the_cap_is_refused_with_both_sizes(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    path.write_bytes(b"x" * 101)
    assert _refusal(path, limit=100) == "the file is 101 bytes; jds reads files of at most 100 bytes"
    path.write_bytes(b"x" * (MAX_YAML_BYTES + 1))
    assert "jds reads files of at most 2 MiB (2097152 bytes)" in _refusal(path)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    os.mkfifo(path)
    assert _refusal(path) == "cannot read: it is a named pipe (FIFO), not a regular file"


@pytest.mark.parametrize(("target", "kind"), [("/dev/zero", "a character device"), (".", "a directory")])
def test_a_device_or_directory_behind_a_symlink_is_refused(tmp_path: Path, target: str, kind: str) -> None:
    path = tmp_path / "f.yml"
    path.symlink_to(target)
    assert _refusal(path) == f"cannot read: it is {kind}, not a regular file"


def test_dangling_symlinks_and_loops_say_what_they_are(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.yml"
    dangling.symlink_to("missing.yml")
    assert _refusal(dangling) == "cannot read: it is a symlink to 'missing.yml', which does not exist"
    loop = tmp_path / "loop.yml"
    loop.symlink_to("loop.yml")
    assert _refusal(loop) == "cannot read: it is a symlink loop (loop.yml -> loop.yml -> ...)"
    assert _refusal(tmp_path / "absent.yml") == "cannot read: No such file or directory"


def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    path.write_bytes("jobs: []\n".encode("utf-16"))
    with pytest.raises(InputError) as error:
        read_text(path, path)
    (problem,) = error.value.problems
    assert "the file starts with a UTF-16 byte order mark" in problem.message
    assert (problem.location.line, problem.location.column) == (1, 1)
