"""What needs execution, run in ONE container per image: the policy's command tests and
the agent-readiness probes.

The container runs the probe script through the image's own ENTRYPOINT, as Jenkins runs
an agent's command, so that an entrypoint which ignores its arguments is caught (JDS306).
Only then is a second container started, with the entrypoint replaced, so that the other
checks are still reported. Containers have no network, capped memory and processes, a
timeout, and are always removed (:func:`~jenkins_docker_sdk.clients.docker.run_probe_container`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from jenkins_docker_sdk.clients.protocols import DockerClient
from jenkins_docker_sdk.model import Connector
from jenkins_docker_sdk.reading import CommandTest, TestSuite
from jenkins_docker_sdk.validation.findings import Check, Finding, Severity
from jenkins_docker_sdk.validation.probe_script import Probe, ProbeResult, ProbeScript, command_probe
from jenkins_docker_sdk.validation.suite_checks import unique_checks

COMMAND_RULE = "JDS301"
AGENT_USER = Check("agent-user", "The agent does not run as root", "JDS305")
ENTRYPOINT = Check("entrypoint", "The ENTRYPOINT runs the command it is given (the agent's)", "JDS306")
WORKSPACE = Check("workspace", "The agent user can write the agent's workspace", "JDS307")
SSHD = Check("sshd", "sshd's configuration is valid and serves port 22", "JDS308")

#: Labels on every probe container, so that a leftover one can be found.
PROBE_LABELS = {"io.jenkins-docker-sdk.role": "validation-probe"}
#: How much of a command's output a finding quotes.
QUOTE = 200


@attrs.frozen(kw_only=True)
class ProbeSettings:
    """How the probe container runs and what the agent needs.

    Attributes:
        connector: how Jenkins connects (``None``: unknown, the root rule only warns).
        allow_root_user: the policy lets agents run as root.
        workspace: the agent's remote root (the template's ``remote_fs``).
        user: run as this user instead of the image's USER (the template's ``user``).
        timeout: seconds before the container is killed.
        start_timeout: seconds the ENTRYPOINT has to start the probe script.
        memory_mb: the container's memory cap.
    """

    connector: Connector | None = None
    allow_root_user: bool = False
    workspace: str = "/home/jenkins/agent"
    user: str | None = None
    timeout: float = 120.0
    start_timeout: float = 20.0
    memory_mb: int = 1024


def _builtin_probes(settings: ProbeSettings) -> dict[str, Probe]:
    probes = {"identity": Probe("exec id -u")}
    if settings.connector == "ssh":
        probes["sshd"] = Probe(
            "mkdir -p /run/sshd 2>/dev/null; ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1"
            " || ssh-keygen -A >/dev/null; exec /usr/sbin/sshd -T"
        )
    else:
        workspace = shlex.quote(settings.workspace)
        probes["workspace"] = Probe(
            f'ws={workspace}; mkdir -p -- "$ws" && f="$ws/.jds-probe-$$" && : > "$f" && rm -f -- "$f"'
        )
    return probes


def _first_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= QUOTE else line[:QUOTE] + "…"


def command_problems(test: CommandTest, result: ProbeResult | None, not_run: str | None) -> Iterator[str]:
    """What is wrong with one command test's result (nothing: it passes); matched as
    container-structure-test matches (unanchored regexes over the whole output)."""
    if not_run is not None:
        yield f"not run: {not_run}"
        return
    if result is None or result.exit_code is None:
        yield "did not finish before the probe container's timeout"
        return
    expected = test.exitCode or 0
    if result.exit_code != expected:
        said = _first_line(result.stderr) or _first_line(result.stdout)
        yield f"exited {result.exit_code}, expected {expected}" + (f" ({said})" if said else "")
        if result.exit_code in (126, 127):  # not found or not executable: nothing else to say
            return
    for stream, text, wanted, unwanted in (
        ("stdout", result.stdout, test.expectedOutput, test.excludedOutput),
        ("stderr", result.stderr, test.expectedError, test.excludedError),
    ):
        for pattern in wanted or ():
            if re.search(pattern, text) is None:
                yield f"{stream} does not match {pattern!r} (it begins {_first_line(text)!r})"
        for pattern in unwanted or ():
            if re.search(pattern, text) is not None:
                yield f"{stream} matches {pattern!r}, which it must not"


def _describe(test: CommandTest) -> str:
    return " ".join(shlex.quote(arg) for arg in (test.command, *(test.args or ())))


def _error(check: Check, title: str, hint: str, severity: Severity = "error", **where: Any) -> Finding:
    assert check.rule is not None
    return Finding(id=check.rule, severity=severity, title=title, check=check.name, hint=hint, **where)


@attrs.frozen
class _Run:
    results: dict[str, ProbeResult | None]
    not_run: str | None
    entrypoint_finding: Finding | None


def _run(
    client: DockerClient,
    image: str,
    config: dict[str, Any],
    probes: dict[str, Probe],
    settings: ProbeSettings,
) -> _Run:
    from jenkins_docker_sdk.clients.docker import ContainerRun, run_probe_container

    script = ProbeScript(tuple(probes.values()))
    entrypoint = (config.get("config") or {}).get("Entrypoint") or []

    def start(override_entrypoint: bool) -> ContainerRun:
        return run_probe_container(
            client,
            image,
            script.text(),
            start_marker=script.start_marker,
            override_entrypoint=override_entrypoint,
            user=settings.user,
            timeout=settings.timeout,
            start_timeout=min(settings.start_timeout, settings.timeout),
            memory_mb=settings.memory_mb,
            labels=PROBE_LABELS,
        )

    run = start(override_entrypoint=False)
    entrypoint_finding = None
    if not run.started and entrypoint:
        outcome = (
            f"still running after {min(settings.start_timeout, settings.timeout):g} s"
            if run.timed_out
            else f"exited {run.exit_code}"
        )
        said = _first_line(run.stderr.decode("utf-8", "replace")) or _first_line(
            run.stdout.decode("utf-8", "replace")
        )
        entrypoint_finding = _error(
            ENTRYPOINT,
            f"ENTRYPOINT {entrypoint} did not run the command it was given ({outcome}"
            + (f": {said!r}" if said else "")
            + "); Jenkins starts the agent through it",
            'end the entrypoint script with exec "$@" (run the command it is given)',
            path="config:Entrypoint",
        )
        run = start(override_entrypoint=True)
    not_run = None
    if not run.started:
        said = _first_line(run.stderr.decode("utf-8", "replace")) or f"exit code {run.exit_code}"
        not_run = f"the probe container could not run /bin/sh ({said})"
    results = script.results(run.stdout, run.stderr)
    return _Run(dict(zip(probes, results, strict=True)), not_run, entrypoint_finding)


def run_probes(
    client: DockerClient, image: str, config: dict[str, Any], suite: TestSuite, settings: ProbeSettings
) -> tuple[tuple[Check, ...], list[Finding]]:
    """Run ``suite``'s command tests and the agent-readiness probes in one container of
    ``image`` (``config``: its image config); the checks that ran and their findings."""
    tests = suite.commandTests
    builtins = _builtin_probes(settings)
    probes = {f"command {index}": command_probe(test) for index, test in enumerate(tests)} | builtins
    run = _run(client, image, config, probes, settings)

    command_checks = unique_checks(
        "command", [t.name for t in tests], "The policy's commandTest passes in a container", COMMAND_RULE
    )
    findings: list[Finding] = []
    for index, (check, test) in enumerate(zip(command_checks, tests, strict=True)):
        for problem in command_problems(test, run.results[f"command {index}"], run.not_run):
            findings.append(
                _error(
                    check,
                    f"`{_describe(test)}` {problem}",
                    "install or fix what the command needs",
                    path=f"commandTests: {test.name}",
                )
            )
    checks: tuple[Check, ...] = (*command_checks, ENTRYPOINT, AGENT_USER)
    if run.entrypoint_finding is not None:
        findings.append(run.entrypoint_finding)
    findings += _agent_user_findings(run.results["identity"], config, settings)
    if "workspace" in builtins:
        checks += (WORKSPACE,)
        findings += _workspace_findings(run.results["workspace"], run.not_run, settings)
    if "sshd" in builtins:
        checks += (SSHD,)
        findings += _sshd_findings(run.results["sshd"], run.not_run)
    return checks, findings


def _is_root(identity: ProbeResult | None, config: dict[str, Any]) -> bool:
    if identity is not None and identity.exit_code == 0 and identity.stdout.strip().isdigit():
        return int(identity.stdout.strip()) == 0
    user = str((config.get("config") or {}).get("User") or "")
    return user.split(":")[0] in ("", "root", "0")


def _agent_user_findings(
    identity: ProbeResult | None, config: dict[str, Any], settings: ProbeSettings
) -> Sequence[Finding]:
    if settings.allow_root_user or settings.connector == "ssh" or not _is_root(identity, config):
        return ()
    severity: Severity = "warning" if settings.connector is None else "error"
    return (
        _error(
            AGENT_USER,
            "the agent runs as root (uid 0): a build can change the image and anything mounted into it",
            "add a user (useradd --create-home --uid 1000 jenkins) and end the Dockerfile with USER jenkins",
            severity,
            path="config:User",
        ),
    )


def _run_problem(result: ProbeResult | None, not_run: str | None, what: str) -> str | None:
    """Why a built-in probe failed to run or failed (``what``: how to name it), or ``None``."""
    if not_run is not None:
        return f"not run: {not_run}"
    if result is None or result.exit_code is None:
        return f"{what}did not finish before the probe container's timeout"
    if result.exit_code != 0:
        return f"{what}failed: {_first_line(result.stderr) or f'exit code {result.exit_code}'}"
    return None


def _workspace_findings(
    result: ProbeResult | None, not_run: str | None, settings: ProbeSettings
) -> Sequence[Finding]:
    problem = _run_problem(result, not_run, "")
    if problem is None:
        return ()
    return (
        _error(
            WORKSPACE,
            f"the agent user cannot create and write {settings.workspace} ({problem})",
            f"create {settings.workspace} owned by the agent user in the Dockerfile,"
            " or set the template's remote_fs",
            path=settings.workspace,
        ),
    )


def _sshd_findings(result: ProbeResult | None, not_run: str | None) -> Sequence[Finding]:
    problem = _run_problem(result, not_run, "sshd -T ")
    if (
        problem is None
        and result is not None
        and re.search(r"^port 22$", result.stdout, re.MULTILINE) is None
    ):
        ports = re.findall(r"^port (\d+)$", result.stdout, re.MULTILINE)
        problem = f"sshd listens on port {', '.join(ports) or '(none)'}, not 22"
    if problem is None:
        return ()
    return (
        _error(
            SSHD,
            f"sshd cannot serve Jenkins on port 22: {problem}",
            "install openssh-server, keep Port 22 in /etc/ssh/sshd_config, and create host keys at start",
            path="/usr/sbin/sshd",
        ),
    )
