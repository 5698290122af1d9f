"""Every exception of the SDK: one root, and input errors that say where and what is accepted.

Every error a user can cause is an :class:`InputError`: it carries :class:`Problem`
objects, each naming a file and line (or an expression and column) and what would have been
accepted. Each class says the exit code the CLI ends with for it (``exit_code``): 2 for bad
input, 1 for a check or an operation that failed. Only :class:`Terminated` (a signal, like
``KeyboardInterrupt``) stands outside the root.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jenkins_docker_sdk.model import Location, Problem


class JenkinsDockerSDKError(Exception):
    """Root of every error the SDK raises on purpose: catch this to catch them all.

    Attributes:
        exit_code: what ``jds`` exits with for it: 1, a check or an operation failed.
    """

    exit_code = 1


class InputError(JenkinsDockerSDKError):
    """The input (farm, manifest, Dockerfile, label expression) is not acceptable.

    Attributes:
        problems: every problem found, in file order.
        exit_code: 2, bad input.
    """

    exit_code = 2

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._summary())

    @classmethod
    def at(
        cls,
        message: str,
        location: Location | None = None,
        hint: str | None = None,
    ) -> InputError:
        """Build an error holding a single problem."""
        return cls([Problem(message, location, hint)])

    def _summary(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines.extend(str(problem) for problem in self.problems)
        return "\n".join(lines)


class FarmError(InputError):
    """A farm (farm.yml, team manifests, Dockerfiles) cannot be read."""


class DockerfileError(InputError):
    """A Dockerfile cannot be parsed or is not usable as a build agent."""


class LabelSyntaxError(InputError):
    """A Jenkins label expression does not parse.

    Attributes:
        expression: the text that was parsed.
        position: 0-based character offset of the offending character.
    """

    def __init__(self, expression: str, position: int, message: str) -> None:
        self.expression = expression
        self.position = position
        caret = f"    {expression}\n    {' ' * position}^"
        super().__init__([Problem(f"{message} at column {position + 1}\n{caret}")])


class LabelResolutionError(InputError):
    """A job's label expression is satisfied by no agent template."""


class RenderError(JenkinsDockerSDKError):
    """A template tried to emit a value that did not pass its language's escaping filter.

    This is a bug in a template, never a user error: it is what stands between team data
    and code execution on the Jenkins controller.
    """


class JenkinsError(JenkinsDockerSDKError):
    """A request to a Jenkins controller failed.

    The message names the request and, when there was one, the controller's answer;
    it never carries credentials.

    Attributes:
        method: the HTTP method of the request.
        url: the request's URL.
        status: the HTTP status of the answer; ``None`` when none came (refused,
            dropped or timed-out connections).
    """

    def __init__(self, message: str, *, method: str, url: str, status: int | None = None) -> None:
        self.method = method
        self.url = url
        self.status = status
        super().__init__(message)


class JenkinsConnectionError(JenkinsError):
    """No answer from the controller: the connection was refused, dropped or timed out."""


class JenkinsAuthError(JenkinsError):
    """The controller refused the credentials (HTTP 401)."""


class JenkinsPermissionError(JenkinsError):
    """The user lacks a permission (HTTP 403).

    Attributes:
        permission: the missing permission as Jenkins names it, e.g. ``Job/Configure``.
    """

    def __init__(self, message: str, *, method: str, url: str, permission: str) -> None:
        self.permission = permission
        super().__init__(message, method=method, url=url, status=403)


class JenkinsNotFoundError(JenkinsError, LookupError):
    """The item or endpoint does not exist on the controller (HTTP 404)."""


class JenkinsItemExistsError(JenkinsError):
    """An item could not be created because a different one of that name exists (HTTP 400)."""


class ProvisioningError(JenkinsDockerSDKError):
    """An agent could not be provisioned or released (after the retries it was allowed)."""


class CapacityError(ProvisioningError):
    """A cap (cloud, template or host) is reached: the agent was not started."""


class TemplateSuspendedError(ProvisioningError):
    """The template failed too often lately and is suspended until its cool-down ends.

    Attributes:
        template: the template's name.
        until: when (clock seconds) the template may be tried again.
    """

    def __init__(self, message: str, *, template: str, until: float) -> None:
        self.template = template
        self.until = until
        super().__init__(message)


class UnknownAgentError(InputError):
    """No agent of this farm has that node name."""


class ProvisioningFailedError(ProvisioningError):
    """Every attempt allowed failed; each attempt's failure is listed.

    Attributes:
        template: the template's name.
        failures: one line per failed attempt.
    """

    def __init__(self, message: str, *, template: str, failures: tuple[str, ...]) -> None:
        self.template = template
        self.failures = failures
        super().__init__(message)


# --- Docker engines -------------------------------------------------------------------


class DockerError(JenkinsDockerSDKError):
    """The engine cannot be reached, or it has no such image."""


class ImageBuildError(DockerError):
    """A build failed: ``step`` is the failing step as the builder numbered it (``3`` of
    ``Step 3/8``), ``log`` the build output's last lines."""

    def __init__(self, message: str, step: int | None, log: tuple[str, ...]) -> None:
        super().__init__(message)
        self.step = step
        self.log = log


class EngineUnreachableError(DockerError):
    """The engine did not answer (socket missing, connection refused or timed out)."""


class ImageUnavailableError(DockerError):
    """An image is not on the engine and cannot (or may not) be pulled."""


# --- the image gate, credentials, rendering, the testing kit, the process -------------------


class HadolintError(JenkinsDockerSDKError):
    """hadolint is missing, or it failed or answered something that is not its JSON report."""


class ArchiveError(InputError, ValueError):
    """The stream is not an image archive this reader understands."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem(message)])


class DeliveryRefused(JenkinsDockerSDKError):
    """The policy does not allow this way of handing over a secret."""


class AuditError(JenkinsDockerSDKError):
    """Rendered output holds a secret; ``findings`` (``render.AuditFinding``) say where, never what."""

    def __init__(self, findings: Iterable[object]) -> None:
        self.findings = tuple(findings)
        lines = "\n".join(f"  {finding}" for finding in self.findings)
        super().__init__(
            f"{len(self.findings)} secret(s) in the rendered output; nothing was written:\n{lines}\n"
            "    credentials belong in the Jenkins credentials store: declare the id in "
            "jenkins-docker.yml and bind it to a variable"
        )


class HttpFailure(JenkinsDockerSDKError):
    """MockJenkins: raised by a request handler, the request ends with :attr:`response`
    (a ``testing`` response); the mock answers it, so it never leaves the mock."""

    def __init__(self, response: Any, message: str = "") -> None:
        super().__init__(f"{response.status} {message}".strip())
        self.response = response
        self.message = message


class Terminated(BaseException):
    """The process received SIGTERM (raised in the main thread, wherever it was).

    Like ``KeyboardInterrupt``, a signal and not an error: outside the root, so that no
    ``except Exception`` (or ``except JenkinsDockerSDKError``) swallows it. The CLI exits 143.
    """

    exit_code = 143
