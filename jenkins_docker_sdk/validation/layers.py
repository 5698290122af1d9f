"""Read an image archive once, as a stream, into per-layer metadata and a merged view.

The archive is what the engine's image export API sends (``docker save``): the classic
layout (``<id>/layer.tar``, ``manifest.json``, ``<config>.json``) or the OCI layout
(``index.json``, ``blobs/sha256/<hex>``, usually a ``manifest.json`` too). Nothing is
extracted to disk: each layer tar is walked in streaming mode, only metadata is kept, and
file contents are handed to ``scan`` (the secret rules) while they stream past.
"""

from __future__ import annotations

import io
import json
import posixpath
import tarfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any, cast

import attrs

from jenkins_docker_sdk.errors import ArchiveError

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
#: JSON blobs (manifests, configs) are read whole only up to this size.
MAX_JSON = 16 * 1024 * 1024

#: ``scan(path, size, read)`` is called for each regular file of a layer; ``read(n)`` gives
#: at most ``n`` bytes of it. It returns findings-to-be (any objects), kept per layer.
Scanner = Callable[[str, int, Callable[[int], bytes]], Iterable[Any]]


@attrs.frozen
class Entry:
    """One path in one layer (metadata only).

    Attributes:
        path: normalised, absolute (``/etc/passwd``).
        size: bytes of a regular file, 0 for anything else.
        mode: permission bits including setuid/setgid (``0o4755``).
        kind: ``file``, ``dir``, ``link`` (symlink or hard link) or ``other``.
        layer: index of the layer that holds this copy.
        target: where a link points: a symlink's text as stored, a hard link's absolute path.
    """

    path: str
    size: int
    mode: int
    uid: int
    gid: int
    kind: str
    layer: int
    target: str = ""


@attrs.frozen
class Layer:
    """One layer: its index, digest (the config's diff id), entries and deletions."""

    index: int
    digest: str
    entries: tuple[Entry, ...]
    whiteouts: tuple[str, ...]  # paths deleted from lower layers
    opaque_dirs: tuple[str, ...]  # dirs whose lower-layer contents are hidden

    @property
    def size(self) -> int:
        """Bytes of the regular files this layer adds."""
        return sum(entry.size for entry in self.entries)


@attrs.frozen
class ImageArchive:
    """An image as read from its archive: config, layers in order, and scan results."""

    config: dict[str, Any]
    layers: tuple[Layer, ...]
    scanned: tuple[tuple[Any, ...], ...]  # what ``scan`` returned, per layer index

    @property
    def size(self) -> int:
        return sum(layer.size for layer in self.layers)


@attrs.frozen
class _Walked:
    entries: tuple[Entry, ...]
    whiteouts: tuple[str, ...]
    opaque_dirs: tuple[str, ...]
    scanned: tuple[Any, ...]


def _norm(name: str) -> str:
    """``./etc/a``, ``etc/a`` and ``/etc/a`` as ``/etc/a``; ``.`` and ``./`` as ``/``."""
    while name.startswith("./"):
        name = name[2:]
    return posixpath.normpath("/" + name.lstrip("/")) if name not in ("", ".") else "/"


def _kind(member: tarfile.TarInfo) -> str:
    if member.isreg():
        return "file"
    if member.isdir():
        return "dir"
    if member.issym() or member.islnk():
        return "link"
    return "other"


def walk_layer(fileobj: IO[bytes], scan: Scanner | None = None) -> _Walked:
    """Walk one layer tar in streaming mode: entries, whiteouts, opaque dirs, scan results.

    The index in the returned entries is 0; :func:`read_image` renumbers them.
    """
    entries: list[Entry] = []
    whiteouts: list[str] = []
    opaque: list[str] = []
    scanned: list[Any] = []
    with tarfile.open(fileobj=fileobj, mode="r|*") as tar:
        for member in tar:
            path = _norm(member.name)
            parent, base = posixpath.split(path)
            if base == OPAQUE:
                opaque.append(parent)
                continue
            if base.startswith(WHITEOUT):
                whiteouts.append(posixpath.join(parent, base[len(WHITEOUT) :]))
                continue
            size = member.size if member.isreg() else 0
            target = member.linkname if member.issym() else _norm(member.linkname) if member.islnk() else ""
            mode = member.mode & 0o7777
            entries.append(Entry(path, size, mode, member.uid, member.gid, _kind(member), 0, target))
            if scan is not None and member.isreg():
                handle = tar.extractfile(member)
                if handle is not None:
                    scanned.extend(scan(path, size, handle.read))
    return _Walked(tuple(entries), tuple(whiteouts), tuple(opaque), tuple(scanned))


def _read_json(handle: IO[bytes] | None, name: str) -> Any:
    if handle is None:
        raise ArchiveError(f"{name}: not a file")
    data = handle.read(MAX_JSON + 1)
    if len(data) > MAX_JSON:
        raise ArchiveError(f"{name}: larger than {MAX_JSON} bytes")
    return json.loads(data)


def read_image(stream: IO[bytes], scan: Scanner | None = None) -> ImageArchive:
    """Read an image archive (classic or OCI layout) in one streaming pass.

    Layer tars usually come before the manifest that orders them, so each is walked as it
    arrives and ordered at the end. Blobs of the OCI layout are told apart by content:
    JSON (a manifest, index or config) is kept, anything else is walked as a layer tar.

    Raises:
        ArchiveError: no manifest, a layer the manifest names is missing, or bad JSON.
    """
    walked: dict[str, _Walked] = {}
    links: dict[str, str] = {}
    blobs: dict[str, Any] = {}
    try:
        with tarfile.open(fileobj=stream, mode="r|") as outer:
            for member in outer:
                name = member.name.removeprefix("./")
                if member.issym() or member.islnk():
                    target = (
                        member.linkname
                        if member.islnk()
                        else posixpath.join(posixpath.dirname(name), member.linkname)
                    )
                    links[name] = posixpath.normpath(target).removeprefix("./")
                    continue
                if not member.isreg():
                    continue
                handle = outer.extractfile(member)
                if handle is None:
                    continue
                if name.endswith(".tar"):
                    walked[name] = walk_layer(handle, scan)
                elif name.endswith(".json"):
                    blobs[name] = _read_json(handle, name)
                elif name.startswith("blobs/"):
                    if cast("io.BufferedReader", handle).peek(1)[:1] == b"{":
                        blobs[name] = _read_json(handle, name)
                    else:
                        walked[name] = walk_layer(handle, scan)
    except (tarfile.TarError, ValueError, EOFError) as exc:  # ValueError: bad JSON or its encoding
        raise ArchiveError(f"not a readable image archive: {exc}") from exc
    try:
        config_name, layer_names = _manifest(blobs)
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        raise ArchiveError(f"the archive's manifest is not one the engine writes: {exc!r}") from exc
    if not isinstance(config_name, str) or not all(isinstance(name, str) for name in layer_names):
        raise ArchiveError("the archive's manifest names its config or layers with something else than paths")
    config = blobs.get(config_name)
    if not isinstance(config, dict):
        raise ArchiveError(f"image config {config_name} missing from the archive")
    rootfs = config.get("rootfs")
    diff_ids = [str(d) for d in rootfs.get("diff_ids") or ()] if isinstance(rootfs, dict) else []
    layers: list[Layer] = []
    scanned: list[tuple[Any, ...]] = []
    for index, name in enumerate(layer_names):
        layer = walked.get(links.get(name, name))
        if layer is None:
            raise ArchiveError(f"layer {name} missing from the archive")
        digest = diff_ids[index] if index < len(diff_ids) else name
        entries = tuple(attrs.evolve(entry, layer=index) for entry in layer.entries)
        layers.append(Layer(index, digest, entries, layer.whiteouts, layer.opaque_dirs))
        scanned.append(layer.scanned)
    return ImageArchive(config, tuple(layers), tuple(scanned))


def _manifest(blobs: dict[str, Any]) -> tuple[str, list[str]]:
    """The config's and layers' member names, from ``manifest.json`` or the OCI index."""
    manifest = blobs.get("manifest.json")
    if isinstance(manifest, list) and manifest:
        return manifest[0]["Config"], list(manifest[0]["Layers"])
    index = blobs.get("index.json")
    if isinstance(index, dict):
        descriptor = _blob(index["manifests"][0]["digest"])
        inner = blobs.get(descriptor)
        if isinstance(inner, dict) and "manifests" in inner:  # an index of an index
            descriptor = _blob(inner["manifests"][0]["digest"])
            inner = blobs.get(descriptor)
        if isinstance(inner, dict) and "layers" in inner:
            return _blob(inner["config"]["digest"]), [_blob(layer["digest"]) for layer in inner["layers"]]
    raise ArchiveError("no manifest.json and no usable index.json in the archive")


def _blob(digest: str) -> str:
    algorithm, _, hexdigest = digest.partition(":")
    return f"blobs/{algorithm}/{hexdigest}"


def _under(path: str, hidden: set[str]) -> bool:
    """Whether ``path`` is one of ``hidden`` or below one of them."""
    if not hidden:
        return False
    probe = path
    while True:
        if probe in hidden:
            return True
        if probe == "/":
            return False
        probe = posixpath.dirname(probe)


def merge(layers: Iterable[Layer]) -> dict[str, Entry]:
    """The filesystem a container sees, as OverlayFS stacks ``layers``: path -> entry.

    Per layer, deletions apply to the lower layers first: a whiteout ``.wh.NAME`` hides
    NAME and everything below it, an opaque marker hides everything below its directory
    (the directory itself stays). Then the layer's entries replace lower ones; an entry that
    is not a directory also hides what a lower layer had below that path.
    """
    view: dict[str, Entry] = {}
    for layer in layers:
        below = [posixpath.join(d, "") for d in layer.opaque_dirs]
        gone = set(layer.whiteouts) | {e.path for e in layer.entries if e.kind != "dir"}
        if gone or below:
            view = {
                path: entry
                for path, entry in view.items()
                if not _under(path, gone) and not any(path.startswith(prefix) for prefix in below)
            }
        for entry in layer.entries:
            view[entry.path] = entry
    return view


def iter_copies(layers: Iterable[Layer]) -> Iterator[Entry]:
    """Every regular-file copy in every layer, lowest layer first."""
    for layer in layers:
        yield from (entry for entry in layer.entries if entry.kind == "file")


def wasted_bytes(layers: Iterable[Layer], view: dict[str, Entry] | None = None) -> int:
    """Bytes of file copies that are in the image but not in its merged view.

    The rule (dive's wasted bytes without the double counting of its issue #684): every
    copy of a regular file in a layer that the final view does not show, because a later
    layer rewrote, deleted (whiteout, opaque dir) or replaced that path, counts its own size
    once. The copy the view shows counts nothing, and a deletion adds nothing. So a file
    written as 100, 200 and 50 bytes in three layers wastes 300 bytes, and a 500-byte file
    deleted in a later layer wastes 500 (dive counts 1,000 for it, then 500 after its fix).
    ``view`` is ``merge(layers)`` if the caller has it already.
    """
    stack = tuple(layers)
    view = merge(stack) if view is None else view
    return sum(copy.size for copy in iter_copies(stack) if view.get(copy.path) != copy)
