"""The image stage's checks, run on one streamed read of the image (see :mod:`.layers`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import IO, Any

from jenkins_docker_sdk.secret_rules import Hit, scan_file
from jenkins_docker_sdk.validation.dockerfile_checks import is_public_key_fingerprint, is_secret_name
from jenkins_docker_sdk.validation.findings import Check, Finding, ValidationReport, redact
from jenkins_docker_sdk.validation.layers import Entry, ImageArchive, Layer, merge, read_image, wasted_bytes

MB = 1024 * 1024

IMAGE_SIZE = Check("image-size", "The image is not larger than the policy allows", "JDS201")
IMAGE_WASTE = Check("image-waste", "Layers waste no more than the policy allows", "JDS202")
SECRET_FILES = Check("secret-files", "No secrets in any layer's files, deleted ones included", "JDS203")
SECRET_CONFIG_ENV = Check("secret-config-env", "No secrets in the image config's ENV", "JDS204")
SETUID = Check("setuid", "No setuid/setgid files outside the allow-list", "JDS205")

#: The image stage's checks in the order they run.
CHECKS: tuple[Check, ...] = (IMAGE_SIZE, IMAGE_WASTE, SECRET_FILES, SECRET_CONFIG_ENV, SETUID)


def layer_label(layer: Layer) -> str:
    """How findings name a layer: ``layer 2 sha256:0123456789ab``."""
    return f"layer {layer.index} {layer.digest[:19]}"


def _finding(check: Check, title: str, **where: Any) -> Finding:
    assert check.rule is not None
    return Finding(id=check.rule, severity="error", title=title, check=check.name, **where)


def size_findings(image: ImageArchive, max_size_mb: float) -> Iterator[Finding]:
    if image.size > max_size_mb * MB:
        per_layer = ", ".join(f"{layer.index}: {layer.size / MB:.1f}" for layer in image.layers)
        yield _finding(
            IMAGE_SIZE,
            f"image is {image.size / MB:.1f} MB ({image.size} bytes), over the limit of {max_size_mb:g} MB"
            f" (MB per layer: {per_layer})",
            hint="use a smaller base image, multi-stage builds, and clean caches in the RUN that fills them",
        )


def waste_findings(
    image: ImageArchive, view: dict[str, Entry], max_wasted_percent: float
) -> Iterator[Finding]:
    wasted = wasted_bytes(image.layers, view)
    percent = 100.0 * wasted / image.size if image.size else 0.0
    if percent > max_wasted_percent:
        yield _finding(
            IMAGE_WASTE,
            f"{wasted} bytes ({percent:.1f} % of {image.size}) are files that later layers rewrote or"
            f" deleted, over the limit of {max_wasted_percent:g} %",
            hint="delete files in the same RUN that creates them; do not chown/chmod in a later layer",
        )


def secret_file_findings(image: ImageArchive, view: dict[str, Entry]) -> Iterator[Finding]:
    for layer, hits in zip(image.layers, image.scanned, strict=True):
        for hit in hits:
            if not isinstance(hit, Hit):  # e.g. contents captured for fileContentTests
                continue
            shown = view.get(hit.path)
            deleted = shown is None or shown.layer != layer.index
            gone = " (deleted or overwritten by a later layer, but still in the image)" if deleted else ""
            yield _finding(
                SECRET_FILES,
                f"{hit.kind} in a file{gone}: {redact(hit.secret)}",
                layer=layer_label(layer),
                path=hit.path,
                hint="never COPY or create secrets in an image; a later RUN rm does not remove them"
                " (use build secrets: RUN --mount=type=secret)",
            )


def secret_env_findings(config: dict[str, Any]) -> Iterator[Finding]:
    for item in (config.get("config") or {}).get("Env") or ():
        name, _, value = str(item).partition("=")
        if value and is_secret_name(name) and not is_public_key_fingerprint(name, value):
            yield _finding(
                SECRET_CONFIG_ENV,
                f"ENV {name} holds a value that looks secret: {redact(value)}",
                path=f"config:Env:{name}",
                hint="pass secrets at run time (Jenkins credentials), not in the image config",
            )


def setuid_findings(image: ImageArchive, view: dict[str, Entry], allowed: Iterable[str]) -> Iterator[Finding]:
    allow = set(allowed)
    layers = {layer.index: layer for layer in image.layers}
    for path, entry in sorted(view.items()):
        if entry.kind == "file" and entry.mode & 0o6000 and path not in allow:
            bits = "setuid" if entry.mode & 0o4000 else "setgid"
            yield _finding(
                SETUID,
                f"{bits} file (mode {entry.mode:04o}, owner {entry.uid}:{entry.gid})",
                layer=layer_label(layers[entry.layer]),
                path=path,
                hint="chmod u-s,g-s it in the same RUN that installs it, or allow it in the policy",
            )


def image_findings(
    image: ImageArchive,
    view: dict[str, Entry],
    *,
    max_size_mb: float = 2048,
    max_wasted_percent: float = 10.0,
    setuid_allowed: Iterable[str] = (),
) -> list[Finding]:
    """The findings of :data:`CHECKS` on an image already read (``view``: its merged view)."""
    return [
        *size_findings(image, max_size_mb),
        *waste_findings(image, view, max_wasted_percent),
        *secret_file_findings(image, view),
        *secret_env_findings(image.config),
        *setuid_findings(image, view, setuid_allowed),
    ]


def check_image(
    subject: str,
    stream: IO[bytes],
    *,
    max_size_mb: float = 2048,
    max_wasted_percent: float = 10.0,
    setuid_allowed: Iterable[str] = (),
) -> ValidationReport:
    """Run the image stage's static checks on the image archive ``stream`` (read once) as ``subject``.

    Raises:
        ArchiveError: the stream is not an image archive.
    """
    image = read_image(stream, scan_file)
    findings = image_findings(
        image,
        merge(image.layers),
        max_size_mb=max_size_mb,
        max_wasted_percent=max_wasted_percent,
        setuid_allowed=setuid_allowed,
    )
    return ValidationReport.build(subject, CHECKS, findings)
