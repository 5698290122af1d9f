"""``jds credentials sync`` and ``jds audit``: registered in :mod:`jenkins_docker_sdk.cli`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from jenkins_docker_sdk.credentials import masking

if TYPE_CHECKING:
    from jenkins_docker_sdk.credentials.sources import ValueSource
    from jenkins_docker_sdk.model import Farm

_values_option = click.option(
    "--values-from",
    "values_from",
    metavar="SOURCE",
    help="Where the values are: env, stdin (or -), or file:PATH (YAML of NAME: value).",
)


@click.group()
def credentials() -> None:
    """Credentials declared by the farm: ids in the manifests, values only in Jenkins."""


@credentials.command()
@click.argument("farm", type=click.Path(path_type=Path, file_okay=False))
@click.option("--jenkins", "url", envvar="JENKINS_URL", required=True, metavar="URL",
              help="The controller's URL [default: $JENKINS_URL].")  # fmt: skip
@click.option("--user", metavar="USER", help="The Jenkins user whose API token is used (default: anonymous).")
@click.option("--token-env", metavar="VAR", default="JENKINS_API_TOKEN", show_default=True,
              help="The environment variable holding the user's API token.")  # fmt: skip
@click.option("--values-from", "values_from", metavar="SOURCE", default="env", show_default=True,
              help="Where the values are: env, stdin (or -), or file:PATH (YAML of NAME: value)")  # fmt: skip
@click.option("--retries", type=click.IntRange(0, 10), default=3, show_default=True,
              help="Retries of a request that failed with a 5xx or a connection error.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def sync(
    farm: Path, url: str, user: str | None, token_env: str, values_from: str, retries: int, as_json: bool
) -> None:
    """Create or update FARM's declared credentials in the controller's stores.

    Global credentials (farm.yml) go to the system store, team credentials to the team
    folder's store. Every value is read from SOURCE and checked before anything is sent:
    a missing one is an error (exit 2) naming its variable.
    """
    from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
    from jenkins_docker_sdk.credentials.sources import parse_source
    from jenkins_docker_sdk.credentials.sync import farm_credentials, sync_credentials
    from jenkins_docker_sdk.model import Farm

    loaded = Farm.from_path(farm)
    source = parse_source(values_from)
    client = JenkinsClient.from_env(url, user=user, token_env=token_env, retry=RetryPolicy(retries=retries))
    done = sync_credentials(farm_credentials(loaded), source, client)
    if as_json:
        rows = [{"credential": d.key, "store": d.store or "system", "action": d.action} for d in done]
        click.echo(json.dumps({"credentials": rows}, indent=2, sort_keys=True))
        return
    for d in done:
        click.echo(f"  {d.action:<8} {d.key:<40} {d.store or 'system store'}")
    click.echo(f"{len(done)} credentials synced into {url}")


@click.command()
@click.argument("out", type=click.Path(path_type=Path, file_okay=False, exists=True))
@_values_option
@click.option("--farm", type=click.Path(path_type=Path, file_okay=False),
              help="Look only for the values of this farm's declared credentials.")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@click.pass_context
def audit(ctx: click.Context, out: Path, values_from: str | None, farm: Path | None, as_json: bool) -> None:
    """Scan the rendered output OUT for credential values and secret-looking strings (exit 1 if any).

    With --values-from, every value the source holds for FARM's credentials (or, without
    --farm, every value of a file or stdin source) is looked for, also base64- or
    URL-encoded. Findings name the file and line, never the secret.
    """
    from jenkins_docker_sdk.render import audit_directory

    masker = _masker(values_from, farm) if values_from else None
    findings = audit_directory(out, masker)
    if as_json:
        rows = [{"path": f.path, "line": f.line, "kind": f.kind} for f in findings]
        click.echo(json.dumps({"findings": rows, "ok": not findings}, indent=2, sort_keys=True))
    else:
        for finding in findings:
            click.echo(str(finding))
        files = sum(1 for p in out.rglob("*") if p.is_file())
        summary = f"{len(findings)} secret(s) found" if findings else "no secret"
        click.echo(f"{out}: {summary} in {files} files")
    ctx.exit(1 if findings else 0)


def _masker(values_from: str, farm: Path | None) -> masking.SecretMasker:
    """The values to look for: those of FARM's credentials in the source, or all of a file/stdin."""
    from jenkins_docker_sdk.credentials.sources import MappingSource, parse_source
    from jenkins_docker_sdk.errors import InputError
    from jenkins_docker_sdk.model import Farm

    source = parse_source(values_from)
    if farm is not None:
        return _farm_masker(source, Farm.from_path(farm))
    if not isinstance(source, MappingSource):
        raise InputError.at("--values-from env needs --farm: the environment holds more than credentials")
    values = [v for k, v in source.values.items() if not k.endswith("_USERNAME")]  # user names are no secrets
    masker = masking.SecretMasker()
    masker.update(values)
    masking.MASKER.update(values)  # these values are masked in logs and errors too
    masking.install()
    return masker


def _farm_masker(source: ValueSource, farm: Farm) -> masking.SecretMasker:
    """A masker of the secret values ``source`` holds for ``farm``'s declared credentials."""
    from jenkins_docker_sdk.credentials.sync import farm_credentials
    from jenkins_docker_sdk.model import FIELDS, variable

    values = [
        value
        for credential in farm_credentials(farm)
        for field in FIELDS[credential.type]
        if field.secret and (value := source.get(variable(credential, field))) is not None
    ]
    masker = masking.SecretMasker()
    masker.update(values)
    masking.MASKER.update(values)
    masking.install()
    return masker


def value_audit(values_from: str) -> Callable[[Farm, Path], None]:
    """For ``jds render --values-from``: a check of the staged output for the farm's values.

    The source is opened now (stdin is read once); the check runs when the farm is known.
    """
    from jenkins_docker_sdk.credentials.sources import parse_source
    from jenkins_docker_sdk.errors import AuditError
    from jenkins_docker_sdk.render import audit_directory

    source = parse_source(values_from)

    def check(farm: Farm, staging: Path) -> None:
        findings = audit_directory(staging, _farm_masker(source, farm))
        if findings:
            raise AuditError(findings)

    return check
