"""``jds``: the command line. Thin: each command calls the library and prints its result.

Exit codes: 0 success, 1 a check failed, 2 bad input (with file:line, no traceback),
3 an internal error (a bug: rerun with --debug for the traceback).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jenkins_docker_sdk.cli_provision import register as register_provisioning
from jenkins_docker_sdk.credentials import commands as credential_commands
from jenkins_docker_sdk.credentials.masking import MASKER, MaskingFilter
from jenkins_docker_sdk.errors import (
    FarmError,
    InputError,
    JenkinsAuthError,
    JenkinsDockerSDKError,
    Terminated,
)
from jenkins_docker_sdk.labels import LabelExpression, LabelReport, analyse_labels, report_from_error
from jenkins_docker_sdk.model import Connector, Farm
from jenkins_docker_sdk.process_edge import TERMINATED_EXIT, process_edge
from jenkins_docker_sdk.reading import FarmFile, RepoManifest, json_schema, policy_schema
from jenkins_docker_sdk.render import REPORT, render_path

if TYPE_CHECKING:
    from jenkins_docker_sdk.apply import ApplyResult
    from jenkins_docker_sdk.validation import ValidationReport

EXIT_FAILED, EXIT_INPUT, EXIT_INTERNAL = 1, 2, 3
# jds apply's defaults, here so that other commands need not import python-jenkins
# (tests check that they equal jenkins_docker_sdk.apply.DEFAULT_CONCURRENCY and
# jenkins_docker_sdk.clients.DEFAULT_TOKEN_ENV)
APPLY_CONCURRENCY, TOKEN_ENV = 8, "JENKINS_API_TOKEN"
SHOWN_JOBS = 40  # jobs listed after a render; the report has them all

_farm_argument = click.argument("farm", type=click.Path(path_type=Path, file_okay=False))
_json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
_workers_option = click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Processes reading repositories; 0: one per core for large farms.",
)
_strict_option = click.option(
    "--strict", is_flag=True, help="Refuse the farm if it has warnings (exit code 2), as for errors."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jenkins-docker-sdk", prog_name="jds")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn team repositories of Dockerfiles into a containerized Jenkins build farm."""
    ctx.obj = {"debug": debug}
    _log_to_stderr(logging.DEBUG if debug else logging.WARNING)


@cli.command()
@_farm_argument
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="Output directory.")
@_json_option
@_workers_option
@click.option(
    "--values-from", metavar="SOURCE", help="Also refuse output holding a credential value from SOURCE."
)
@_strict_option
def render(farm: Path, out: Path, as_json: bool, workers: int, values_from: str | None, strict: bool) -> None:
    """Render the Job DSL seed, Jenkinsfiles, config.xml and cloud configs of FARM into OUT.

    OUT is replaced as a whole, and only when everything rendered and no secret is in it
    (with --strict: and the farm has no warnings).
    """
    checks = [credential_commands.value_audit(values_from)] if values_from else []
    if strict:
        checks.insert(0, _refuse_warnings)
    loaded, result = render_path(farm, out, workers=workers, before_swap=_all_of(checks) if checks else None)
    if as_json:
        _print_json({**result.report, "out": str(out), "written": result.files})
        return
    summary = result.report["summary"]
    click.echo(
        f"Rendered {summary['jobs']} jobs of {summary['teams']} teams on "
        f"{summary['templates']} agent templates ({summary['repos']} repositories) "
        f"into {out}/ ({result.files} files)"
    )
    jobs = result.report["jobs"]
    for job in jobs[:SHOWN_JOBS]:
        click.echo(f"  {job['name']:<32} {job['label']:<40} -> {job['templates'][0]}")
    if len(jobs) > SHOWN_JOBS:
        click.echo(f"  ... and {len(jobs) - SHOWN_JOBS} more jobs: see {out / REPORT}")
    for warning in loaded.warnings:
        click.echo(f"warning: {warning}", err=True)


def _refuse_warnings(farm: Farm, staging: Path) -> None:
    """``--strict``: a farm with warnings is refused like a farm with errors."""
    if farm.warnings:
        listed = "\n  ".join(farm.warnings)
        raise InputError.at(f"{_strict_refusal(len(farm.warnings))}; nothing was written:\n  {listed}")


def _strict_refusal(count: int) -> str:
    return (
        f"{count} warning{'' if count == 1 else 's'}, and --strict refuses {'it' if count == 1 else 'them'}"
    )


def _all_of(checks: list[Callable[[Farm, Path], None]]) -> Callable[[Farm, Path], None]:
    def run(farm: Farm, staging: Path) -> None:
        for check in checks:
            check(farm, staging)

    return run


@cli.command()
@_farm_argument
@_json_option
@_workers_option
@_strict_option
@click.pass_context
def check(ctx: click.Context, farm: Path, as_json: bool, workers: int, strict: bool) -> None:
    """Check FARM (manifests, Dockerfiles, names, labels) without writing anything.

    Warnings (what is left out on purpose, label ambiguities and likely typos) are printed
    and do not fail the check, unless --strict.
    """
    loaded = Farm.from_path(farm, workers=workers)
    refused = strict and bool(loaded.warnings)
    if as_json:
        _print_json({"ok": not refused, "jobs": len(loaded.jobs), "templates": len(loaded.templates),
                     "warnings": list(loaded.warnings)})  # fmt: skip
    else:
        if not refused:
            click.echo(f"{farm}: {len(loaded.jobs)} jobs, {len(loaded.templates)} agent templates: OK")
        for warning in loaded.warnings:
            click.echo(f"warning: {warning}", err=True)
    if refused:
        click.echo(f"error: {farm}: {_strict_refusal(len(loaded.warnings))}", err=True)
        ctx.exit(EXIT_INPUT)


@cli.command()
@_farm_argument
@click.option(
    "--explain", "expression", metavar="EXPR", help="Explain which templates serve EXPR, and why not."
)
@_json_option
@_workers_option
@click.pass_context
def labels(ctx: click.Context, farm: Path, expression: str | None, as_json: bool, workers: int) -> None:
    """Analyse the labels of FARM: jobs no template serves (exit 2), ambiguities, likely typos.

    With --explain, judge EXPR against every agent template of FARM instead: which one wins,
    and for each other one the smallest change of labels that would make it match.
    """
    parsed = LabelExpression.parse(expression) if expression is not None else None  # bad input first
    report = _label_report(farm, workers)
    if parsed is not None:
        explanation = report.resolver.explain(parsed)
        if as_json:
            _print_json(explanation.to_dict())
        else:
            click.echo(explanation.to_text())
        return
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(f"{farm}: {report.jobs} jobs, {len(report.resolver.templates)} agent templates: "
                   + report.to_text())  # fmt: skip
    if not report.ok:
        errors = len(report.errors)
        click.echo(f"error: {errors} label error{'' if errors == 1 else 's'} in {farm}", err=True)
        ctx.exit(EXIT_INPUT)


def _label_report(farm: Path, workers: int) -> LabelReport:
    """The label analysis of ``farm``, also when the farm fails to load only because of labels."""
    try:
        loaded = Farm.from_path(farm, workers=workers)
        return loaded.labels or analyse_labels(loaded)  # the report made while loading
    except FarmError as exc:
        report = report_from_error(exc)
        if report is None:
            raise
        return report


@cli.command("mock-jenkins")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True, help="0: any free port.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--user", help="Require basic auth: this user, with the API token from --token-env.")
@click.option("--token-env", metavar="VAR", help="Environment variable holding --user's API token.")
@click.option("--anonymous-read", is_flag=True, help="With --user, let anonymous requests read.")
@click.option("--no-crumbs", is_flag=True, help="Turn CSRF protection (crumbs) off.")
def mock_jenkins(
    port: int, host: str, user: str | None, token_env: str | None, anonymous_read: bool, no_crumbs: bool
) -> None:
    """Serve MockJenkins, a test double of a Jenkins controller, over HTTP until interrupted.

    Its state lives in memory: jobs, folders, nodes and credentials created through it are
    gone when it stops. See docs/testing.md.
    """
    from jenkins_docker_sdk.testing import MockJenkins

    users = None
    if user is not None:
        token = os.environ.get(token_env) if token_env else None
        if not token:
            raise click.UsageError("--user needs --token-env VAR, a variable holding the user's API token")
        users = {user: token}
    jenkins = MockJenkins(
        f"http://{host}:{port}", users=users, anonymous_read=anonymous_read, crumbs=not no_crumbs
    )
    try:
        server = jenkins.serve(port=port, host=host)
    except OSError as exc:
        raise click.UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    click.echo(f"MockJenkins, a test double (not a real Jenkins), serving {server.url}/ - Ctrl-C stops it")
    try:
        server.wait()
    except KeyboardInterrupt:
        click.echo("MockJenkins stopped", err=True)
    finally:
        server.close()


@cli.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option(
    "--jenkins",
    "url",
    envvar="JENKINS_URL",
    required=True,
    metavar="URL",
    help="The controller's URL [default: $JENKINS_URL].",
)
@click.option("--user", metavar="USER", help="The Jenkins user whose API token is used (default: anonymous).")
@click.option(
    "--token-env",
    metavar="VAR",
    default=TOKEN_ENV,
    show_default=True,
    help="The environment variable holding the user's API token.",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and write nothing.")
@click.option("--prune", is_flag=True, help="Delete managed jobs that are no longer rendered.")
@click.option(
    "--prune-team",
    "prune_teams",
    multiple=True,
    metavar="TEAM",
    help="With --prune, also delete the jobs of TEAM although the render has no repository of it "
    "(repeatable; without it such a team's jobs are kept).",
)
@click.option("--force", is_flag=True, help="Overwrite (with --prune: delete) jobs edited on the controller.")
@click.option(
    "--verify",
    is_flag=True,
    help="Read every managed job's config.xml to find hand edits (one request per job).",
)
@click.option(
    "--cloud-script",
    is_flag=True,
    help="Also run groovy/clouds.groovy in the script console (Overall/Administer).",
)
@click.option(
    "--allow-edited",
    is_flag=True,
    help="Push files edited after the render (refused by default: each is checked against report.json).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=APPLY_CONCURRENCY,
    show_default=True,
    help="Requests under way at once.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(0, 10),
    default=3,
    show_default=True,
    help="Retries of a request that failed with a 5xx or a connection error.",
)
@_json_option
@click.pass_context
def apply(
    ctx: click.Context,
    out: Path,
    url: str,
    user: str | None,
    token_env: str,
    dry_run: bool,
    prune: bool,
    prune_teams: tuple[str, ...],
    force: bool,
    verify: bool,
    cloud_script: bool,
    allow_edited: bool,
    concurrency: int,
    timeout: float,
    retries: int,
    as_json: bool,
) -> None:
    """Push the jobs that `jds render` wrote into OUT to a Jenkins controller.

    Writes only what differs from the controller (one bulk read when nothing changed).
    Every file pushed must be as the render wrote it (its hash in report.json), unless
    --allow-edited.
    Jobs edited by hand on the controller are reported as drifted and left alone unless
    --force; nothing is deleted without --prune, and then only jobs jds manages. Exit code
    1 when a write failed (each one is listed), 2 for bad input.
    """
    from jenkins_docker_sdk.apply import apply_output
    from jenkins_docker_sdk.apply import report as apply_report
    from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy

    if prune_teams and not prune:
        raise click.UsageError("--prune-team only makes sense with --prune")
    client = JenkinsClient.from_env(
        url, user=user, token_env=token_env, timeout=timeout, retry=RetryPolicy(retries=retries)
    )
    progress = _BarProgress() if not as_json and sys.stderr.isatty() else None
    try:
        result = apply_output(
            out,
            client,
            dry_run=dry_run,
            prune=prune,
            prune_teams=prune_teams,
            allow_edited=allow_edited,
            force=force,
            verify=verify,
            cloud_script=cloud_script,
            concurrency=concurrency,
            progress=progress,
        )
    except JenkinsAuthError as exc:
        hint = f"check --user and the API token in ${token_env}" if user else "give --user and --token-env"
        click.echo(f"error: {exc}\n    {hint}", err=True)
        ctx.exit(EXIT_FAILED)
    if as_json:
        _print_json(result.to_dict())
    else:
        _print_apply(result)
        for path in result.edited:
            click.echo(
                f"warning: {out / path} was edited after the render; pushed as it is (--allow-edited)",
                err=True,
            )
        for team in result.kept_teams:
            click.echo(
                f"warning: team {team} has no repository in {out}: its managed jobs were kept, not pruned "
                f"(was a repository unreadable or moved? if the team is retired: --prune-team {team})",
                err=True,
            )
    if not result.ok:
        lines = apply_report.failures(result)
        click.echo(f"error: {len(lines)} not applied (re-run to finish the sync):", err=True)
        for line in lines:
            click.echo(f"  {line}", err=True)
        ctx.exit(EXIT_FAILED)


def _print_apply(result: ApplyResult) -> None:
    from jenkins_docker_sdk.apply import report as apply_report

    if result.dry_run:
        click.echo(f"Plan for {result.out} -> {result.jenkins} (dry run: nothing written)")
    else:
        click.echo(f"Applied {result.out} -> {result.jenkins}")
    click.echo(apply_report.table(result))
    click.echo(apply_report.summary(result))
    if result.cloud_script is not None and result.cloud_script.ok:
        output = (result.cloud_script.output or "").strip()
        click.echo(f"cloud script: ran{': ' + output if output else ''}")


class _BarProgress:
    """A progress bar on stderr for each phase of a long operation."""

    def __init__(self) -> None:
        self._bar: Any = None

    def begin(self, label: str, total: int) -> None:
        self._bar = click.progressbar(length=total, label=label, file=sys.stderr)
        self._bar.__enter__()

    def advance(self) -> None:
        self._bar.update(1)

    def end(self) -> None:
        self._bar.__exit__(None, None, None)


@cli.command()
@click.argument("image", required=False)
@click.option(
    "--dockerfile",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The Dockerfile to lint (hadolint and jds's own checks).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "junit", "sarif"]),
    default="text",
    show_default=True,
    help="Report format; junit is what Jenkins' junit step reads.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the report here."
)
@click.option(
    "--ignore",
    "ignored",
    multiple=True,
    metavar="RULE",
    help="A rule not to report (repeatable), jds's or hadolint's, e.g. DL3008; adds to the policy's.",
)
@click.option(
    "--policy",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The validation policy (YAML); default: the policy shipped with jds.",
)
@click.option(
    "--connector",
    type=click.Choice(["jnlp", "ssh", "attach"]),
    help="How Jenkins connects to the agent: root is an error for jnlp and attach.",
)
@click.option(
    "--farm",
    "farm_root",
    type=click.Path(path_type=Path, file_okay=False),
    help="Build every agent image of this farm on the engine, then validate each (one report each).",
)
@click.option("--network", help="The network --farm builds run on, e.g. host on an engine without a bridge.")
@click.option("--no-probes", is_flag=True, help="Skip the probe container (the checks that need execution).")
@click.pass_context
def validate(
    ctx: click.Context, image: str | None, dockerfile: Path | None, fmt: str, output: Path | None,
    ignored: tuple[str, ...], policy: Path | None, connector: Connector | None, farm_root: Path | None,
    network: str | None, no_probes: bool,
) -> None:  # fmt: skip
    """Validate an agent image (IMAGE, on the engine DOCKER_HOST names) and/or its Dockerfile,
    or build and validate every image of a farm (--farm FARM).

    The image is read once through the engine's export API (sizes, wasted bytes, secrets
    in any layer and in ENV, setuid files, the policy's file and metadata tests), then one
    container runs the policy's commands and the agent-readiness probes. Exit code 0 when
    every check passed, 1 when one reported an error (a policy failure; a failed --farm
    build too), 2 for bad input: no such image, an unreachable engine, a Dockerfile or farm
    that does not parse, or hadolint missing or failing.
    """
    from jenkins_docker_sdk.errors import ArchiveError, DockerError, HadolintError
    from jenkins_docker_sdk.validation import ImageValidator, load_policy

    if farm_root is not None:
        if image is not None or dockerfile is not None or connector is not None:
            raise click.UsageError("--farm takes its images, Dockerfiles and connectors from the farm")
        ctx.exit(_validate_farm(farm_root, policy, ignored, network, not no_probes, fmt, output))
    if image is None and dockerfile is None:
        raise click.UsageError("give an IMAGE, --dockerfile PATH, or both (or --farm FARM)")
    validator = ImageValidator(policy=load_policy(policy), connector=connector, ignored=ignored)
    try:
        if image is None:
            assert dockerfile is not None
            report = validator.validate_dockerfile(dockerfile)
        else:
            report = validator.validate_image(image, dockerfile=dockerfile, probes=not no_probes)
    except (HadolintError, DockerError, ArchiveError) as exc:
        click.echo(f"error: {exc}", err=True)
        ctx.exit(EXIT_INPUT)
    ctx.exit(_write_reports([report], fmt, output))


def _write_reports(reports: list[ValidationReport], fmt: str, output: Path | None) -> int:
    """Print or atomically write the report(s); their exit code."""
    from jenkins_docker_sdk.render import write_file_atomically
    from jenkins_docker_sdk.validation import render
    from jenkins_docker_sdk.validation.report_formats import render_many

    text = render(reports[0], fmt) if len(reports) == 1 else render_many(reports, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_file_atomically(output, text)
        for report in reports:
            verdict = "PASS" if report.ok else "FAIL"
            click.echo(f"{report.subject}: {verdict} ({report.count('error')} errors, "
                       f"{report.count('warning')} warnings)", err=True)  # fmt: skip
        click.echo(f"report: {output}", err=True)
    return max(report.exit_code for report in reports)


def _validate_farm(
    root: Path, policy: Path | None, ignored: tuple[str, ...], network: str | None, probes: bool,
    fmt: str, output: Path | None,
) -> int:  # fmt: skip
    from jenkins_docker_sdk.clients.docker import client_from_env
    from jenkins_docker_sdk.errors import ArchiveError, DockerError, HadolintError
    from jenkins_docker_sdk.validation import load_policy
    from jenkins_docker_sdk.validation.farm_gate import FarmGate

    farm = Farm.from_path(root)
    chosen = load_policy(policy if policy is not None else farm.settings.policy)
    try:
        client = client_from_env()
    except DockerError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_INPUT
    progress = (lambda line: click.echo(line, err=True)) if sys.stderr.isatty() else None
    try:
        gate = FarmGate(client=client, policy=chosen, ignored=ignored, network=network, probes=probes)
        reports = gate.validate(farm, progress)
    except (HadolintError, DockerError, ArchiveError) as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_INPUT
    finally:
        client.close()
    if not reports:
        click.echo(f"error: no agent template with a Dockerfile in {root}", err=True)
        return EXIT_INPUT
    return _write_reports(reports, fmt, output)


@cli.command()
@click.argument("which", type=click.Choice(["farm", "manifest", "policy", "all"]), default="all")
def schema(which: str) -> None:
    """Print the JSON Schema of farm.yml, jenkins-docker.yml, a validation policy, or all three."""
    schemas = {
        "farm": json_schema(FarmFile, "farm.yml"),
        "manifest": json_schema(RepoManifest, "jenkins-docker.yml"),
        "policy": policy_schema(),
    }
    _print_json(schemas if which == "all" else schemas[which])


cli.add_command(credential_commands.credentials)
cli.add_command(credential_commands.audit)


class _StderrHandler(logging.Handler):
    """Library log records as ``warning: ...`` lines on the current stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"{record.levelname.lower()}: {record.getMessage()}", err=True)


def _log_to_stderr(level: int) -> None:
    logger = logging.getLogger("jenkins_docker_sdk")
    logger.setLevel(level)
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.addFilter(MaskingFilter())  # every SDK record printed goes through it
        logger.addHandler(handler)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


register_provisioning(cli)  # jds provision, release, agents, reap, prepull


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``jds`` with ``argv``; returns the exit code instead of exiting.

    Meanwhile SIGTERM stops the command as Ctrl-C does (exit code 143, nothing half
    written), and a reader closing stdout or stderr early is not an error
    (:mod:`~jenkins_docker_sdk.process_edge`).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    with process_edge():
        return _run(args)


def _run(args: list[str]) -> int:
    try:
        # Without standalone mode, click returns the code of ctx.exit() instead of raising.
        code = cli.main(args=args, prog_name="jds", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("aborted", err=True)
        return EXIT_FAILED
    except Terminated:
        click.echo("terminated (SIGTERM): nothing was left half written", err=True)
        return TERMINATED_EXIT
    except click.ClickException as exc:
        exc.show()
        return EXIT_INPUT
    except InputError as exc:
        click.echo(f"error: {MASKER.mask(str(exc))}", err=True)
        return EXIT_INPUT
    except JenkinsDockerSDKError as exc:
        click.echo(f"error: {MASKER.mask(str(exc))}", err=True)
        return EXIT_FAILED
    except Exception as exc:
        if "--debug" in args:
            traceback.print_exc()
        text = MASKER.mask(f"{type(exc).__name__}: {exc}")
        click.echo(f"internal error: {text} (rerun with --debug)", err=True)
        return EXIT_INTERNAL
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
