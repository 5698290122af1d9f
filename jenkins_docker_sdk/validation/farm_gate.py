"""``jds validate --farm``: build every agent template's image on the engine, then validate it.

Each template gets one report (one JUnit testsuite): the build (JDS300), the Dockerfile
stage and the image stage, with the template's connector and workspace. A build
that fails is reported at the Dockerfile line of the failing step, and its image is not
validated; the other templates go on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import attrs

from jenkins_docker_sdk.clients.protocols import DockerClient
from jenkins_docker_sdk.model import AgentTemplate, Farm, Location
from jenkins_docker_sdk.reading import parse_dockerfile
from jenkins_docker_sdk.validation.findings import Check, Finding, ValidationReport
from jenkins_docker_sdk.validation.policy import Policy, load_policy
from jenkins_docker_sdk.validation.validator import ImageValidator

BUILD = Check("image-build", "The image builds from its Dockerfile", "JDS300")

Progress = Callable[[str], None]


def _step_location(template: AgentTemplate, step: int | None) -> Location:
    """The Dockerfile line of the builder's ``Step N`` (steps count every instruction)."""
    assert template.dockerfile is not None
    if step is not None:
        instructions = parse_dockerfile(template.dockerfile).instructions
        if 0 < step <= len(instructions):
            return Location(template.dockerfile, instructions[step - 1].line)
    return Location(template.dockerfile)


def _build_failure(
    template: AgentTemplate, message: str, step: int | None, log: Sequence[str]
) -> ValidationReport:
    said = next((line.strip() for line in reversed(log) if line.strip()), "")
    finding = Finding(
        id="JDS300",
        severity="error",
        title=f"the image {template.image} does not build: {message}",
        check=BUILD.name,
        location=_step_location(template, step),
        hint=f"the build's last output line: {said}" if said else "build it locally to see why",
    )
    return ValidationReport.build(template.image, (BUILD,), (finding,))


@attrs.define(kw_only=True)
class FarmGate:
    """Builds and validates every template image of a farm.

    Attributes:
        client: a docker SDK client on the engine that builds and runs the probes.
        policy: the policy; default: the farm's ``validation.policy``, else jds's default.
        ignored: more rule ids not to report.
        network: the network builds run on (``host`` on engines without a bridge).
        probes: run the probe container for each image.
    """

    client: DockerClient
    policy: Policy | None = None
    ignored: Sequence[str] = ()
    network: str | None = None
    probes: bool = True

    def validate(self, farm: Farm, progress: Progress | None = None) -> list[ValidationReport]:
        """One report per template that has a Dockerfile, in farm order.

        Raises:
            DockerError: the engine cannot be reached (a failed build is a report, not this).
            InputError: the farm's policy is not valid.
        """
        policy = self.policy or load_policy(farm.settings.policy)
        say = progress or (lambda _: None)
        repos = [r for r in farm.repos if r.agent is not None and r.agent.dockerfile is not None]
        reports = []
        for number, repo in enumerate(repos, 1):
            assert repo.agent is not None
            step = f"[{number}/{len(repos)}] {repo.agent.image}"
            reports.append(self._one(repo.agent, (farm.root / repo.path).resolve(), policy, step, say))
        return reports

    def _one(
        self, template: AgentTemplate, context: Path, policy: Policy, step: str, say: Progress
    ) -> ValidationReport:
        """Build and validate one template's image (``context``: its repository)."""
        from jenkins_docker_sdk.clients.docker import build_image
        from jenkins_docker_sdk.errors import ImageBuildError

        assert template.dockerfile is not None
        say(f"{step}: building ({template.repo})")
        try:
            build_image(
                self.client, context, template.dockerfile.resolve(), template.image, network=self.network
            )
        except ImageBuildError as exc:
            say(f"{step}: build FAILED")
            return _build_failure(template, str(exc), exc.step, exc.log)
        say(f"{step}: validating")
        validator = ImageValidator(
            policy=policy, connector=template.connector, ignored=self.ignored, workspace=template.remote_fs
        )
        report = validator.validate_image(
            template.image, dockerfile=template.dockerfile, probes=self.probes, client=self.client
        )
        say(f"{step}: {'pass' if report.ok else 'FAIL'}")
        return ValidationReport.build(report.subject, (BUILD, *report.checks), report.findings)
