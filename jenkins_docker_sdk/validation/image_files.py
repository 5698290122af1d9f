"""The policy's file and metadata tests, answered from the merged view and the image config.

No container is needed: ``fileExistenceTests`` read the merged view (modes, owners,
symlinks followed as a container would), ``fileContentTests`` read contents captured
while the layers streamed past (see :class:`ContentCapture`), and ``metadataTest``
compares the image config.
"""

from __future__ import annotations

import io
import posixpath
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from jenkins_docker_sdk.reading import FileContentTest, FileExistenceTest, KeyValue, MetadataTest
from jenkins_docker_sdk.validation.layers import Entry, Scanner

#: Contents larger than this are not captured for fileContentTests.
MAX_CONTENT = 1024 * 1024
#: Symlinks followed in one lookup before giving up (Linux: 40).
MAX_LINKS = 40


@attrs.frozen
class Captured:
    """The content of one file of one layer, kept for a fileContentTest."""

    path: str
    data: bytes


class ContentCapture:
    """Wraps a :data:`Scanner` so that files a fileContentTest may read are kept too.

    The test paths are resolved only after the stream (symlinks are known then), so every
    file whose base name matches a test path's is kept, up to :data:`MAX_CONTENT` bytes.
    """

    def __init__(self, scan: Scanner, tests: Iterable[FileContentTest]) -> None:
        self._scan = scan
        self._names = {posixpath.basename(test.path) for test in tests}

    def __call__(self, path: str, size: int, read: Callable[[int], bytes]) -> list[Any]:
        if size > MAX_CONTENT or posixpath.basename(path) not in self._names:
            return list(self._scan(path, size, read))
        data = read(size)
        return [*self._scan(path, size, io.BytesIO(data).read), Captured(path, data)]


def resolve(view: dict[str, Entry], path: str) -> Entry | None:
    """The entry ``path`` names in ``view``, following links (also the last one) as a
    container's ``stat`` would; ``None`` when it does not exist or the links loop."""
    parts = deque(part for part in path.split("/") if part)
    current = "/"
    hops = 0
    while parts:
        part = parts.popleft()
        if part == ".":
            continue
        if part == "..":
            current = posixpath.dirname(current)
            continue
        entry = view.get(posixpath.join(current, part))
        if entry is None:
            return None
        if entry.kind == "link" and entry.target:
            hops += 1
            if hops > MAX_LINKS:
                return None
            if entry.target.startswith("/"):
                current = "/"
            parts.extendleft(reversed([p for p in entry.target.split("/") if p]))
            continue
        if parts and entry.kind != "dir":
            return None
        current = entry.path
    return view.get(current, _ROOT)


_ROOT = Entry("/", 0, 0o755, 0, 0, "dir", 0)


def go_mode(entry: Entry) -> str:
    """The mode as Go's ``FileMode.String()`` prints it (what CST compares): ``-rwxr-xr-x``,
    ``drwxr-xr-x``, ``urwxr-xr-x`` for setuid, ``dtrwxrwxrwx`` for sticky."""
    letters = "d" if entry.kind == "dir" else ""
    letters += "u" if entry.mode & 0o4000 else ""
    letters += "g" if entry.mode & 0o2000 else ""
    letters += "t" if entry.mode & 0o1000 else ""
    return (letters or "-") + _rwx(entry.mode, ("x", "x", "x"))


def ls_mode(entry: Entry) -> str:
    """The mode as ``ls -l`` prints it: ``-rwsr-xr-x``, ``drwxrwxrwt``."""
    first = "d" if entry.kind == "dir" else "-"
    owner = ("s" if entry.mode & 0o100 else "S") if entry.mode & 0o4000 else "x"
    group = ("s" if entry.mode & 0o010 else "S") if entry.mode & 0o2000 else "x"
    other = ("t" if entry.mode & 0o001 else "T") if entry.mode & 0o1000 else "x"
    return first + _rwx(entry.mode, (owner, group, other))


def _rwx(mode: int, execute: tuple[str, str, str]) -> str:
    out = []
    for shift, x in zip((6, 3, 0), execute, strict=True):
        bits = (mode >> shift) & 0o7
        out.append("r" if bits & 4 else "-")
        out.append("w" if bits & 2 else "-")
        out.append(x if x != "x" else "x" if bits & 1 else "-")  # s/S/t/T already say it
    return "".join(out)


_EXECUTE_BITS = {"owner": 0o100, "group": 0o010, "other": 0o001, "any": 0o111}


def file_existence_problems(test: FileExistenceTest, view: dict[str, Entry]) -> Iterator[str]:
    """What is wrong with ``test.path`` in the merged view (nothing: the test passes)."""
    entry = resolve(view, test.path)
    should_exist = test.shouldExist is not False
    if entry is None:
        if should_exist:
            yield "does not exist"
        return
    if not should_exist:
        yield f"exists ({ls_mode(entry)}, layer {entry.layer}) but must not"
        return
    if test.permissions is not None and test.permissions not in (go_mode(entry), ls_mode(entry)):
        yield f"has mode {ls_mode(entry)} ({go_mode(entry)}), not {test.permissions}"
    if test.uid is not None and entry.uid != test.uid:
        yield f"is owned by uid {entry.uid}, not {test.uid}"
    if test.gid is not None and entry.gid != test.gid:
        yield f"has gid {entry.gid}, not {test.gid}"
    if test.isExecutableBy is not None and not entry.mode & _EXECUTE_BITS[test.isExecutableBy]:
        yield f"is not executable by {test.isExecutableBy} ({ls_mode(entry)})"


def captured_content(entry: Entry, scanned: tuple[tuple[Any, ...], ...]) -> bytes | None:
    """The captured content of the copy of a file the merged view shows."""
    for item in scanned[entry.layer]:
        if isinstance(item, Captured) and item.path == entry.path:
            return item.data
    return None


def file_content_problems(
    test: FileContentTest, view: dict[str, Entry], scanned: tuple[tuple[Any, ...], ...]
) -> Iterator[str]:
    """What is wrong with the contents of ``test.path`` (nothing: the test passes)."""
    entry = resolve(view, test.path)
    if entry is None or entry.kind != "file":
        yield "does not exist" if entry is None else f"is not a regular file ({ls_mode(entry)})"
        return
    data = captured_content(entry, scanned)
    if data is None:
        yield f"is larger than {MAX_CONTENT} bytes; its contents were not read"
        return
    text = data.decode("utf-8", "replace")
    for pattern in test.expectedContents or ():
        if not re.search(pattern, text, re.MULTILINE):
            yield f"does not match {pattern!r}"
    for pattern in test.excludedContents or ():
        if re.search(pattern, text, re.MULTILINE):
            yield f"matches {pattern!r}, which it must not"


def _pairs(items: Iterable[str] | dict[str, str] | None) -> dict[str, str]:
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    return dict(str(item).partition("=")[::2] for item in items or ())


def _value_matches(expected: KeyValue, actual: str) -> bool:
    if expected.isRegex:
        return re.search(expected.value, actual) is not None
    return actual == expected.value


def _ports(config: dict[str, Any]) -> set[str]:
    ports = set(config.get("ExposedPorts") or ())
    return ports | {port.removesuffix("/tcp") for port in ports}


def metadata_problems(test: MetadataTest, image_config: dict[str, Any]) -> Iterator[str]:
    """What in the image config differs from ``test`` (nothing: the test passes)."""
    config = image_config.get("config") or {}
    env = _pairs(config.get("Env"))
    labels = _pairs(config.get("Labels"))
    for kind, wanted, actual in (("ENV", test.envVars, env), ("LABEL", test.labels, labels)):
        for pair in wanted or ():
            if pair.key not in actual:
                yield f"{kind} {pair.key} is not set"
            elif not _value_matches(pair, actual[pair.key]):
                yield f"{kind} {pair.key} is {actual[pair.key]!r}, not {pair.value!r}"
    for name in test.unboundEnvVars or ():
        if name in env:
            yield f"ENV {name} is set but must not be"
    ports = _ports(config)
    for port in test.exposedPorts or ():
        if port not in ports:
            yield f"port {port} is not exposed (EXPOSE {port})"
    for port in test.unexposedPorts or ():
        if port in ports:
            yield f"port {port} is exposed but must not be"
    volumes = set(config.get("Volumes") or ())
    for volume in test.volumes or ():
        if volume not in volumes:
            yield f"volume {volume} is not declared"
    for volume in test.unmountedVolumes or ():
        if volume in volumes:
            yield f"volume {volume} is declared but must not be"
    for key, wanted_value, actual_value in (
        ("ENTRYPOINT", test.entrypoint, config.get("Entrypoint") or []),
        ("CMD", test.cmd, config.get("Cmd") or []),
        ("WORKDIR", test.workdir, config.get("WorkingDir") or ""),
        ("USER", test.user, config.get("User") or ""),
    ):
        if wanted_value is not None and wanted_value != actual_value:
            yield f"{key} is {actual_value!r}, not {wanted_value!r}"
