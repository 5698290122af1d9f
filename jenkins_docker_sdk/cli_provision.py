"""``jds provision``, ``release``, ``agents``, ``reap`` and ``prepull``: the provisioner's commands.

Importing this module imports only click: the provisioner, python-jenkins and docker are
imported when a command runs, so that the other commands stay light.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from jenkins_docker_sdk.errors import InputError

if TYPE_CHECKING:
    from jenkins_docker_sdk.model import Farm
    from jenkins_docker_sdk.provisioning import AgentStatus, SlaveProvisioner

TOKEN_ENV = "JENKINS_API_TOKEN"
REGISTRY_PASSWORD_ENV = "JDS_REGISTRY_PASSWORD"


def _options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options every provisioner command shares: where the farm, engines and controller are."""
    options = [
        click.option("--farm", "farm_path", type=click.Path(path_type=Path, file_okay=False), default=".",
                     show_default=True, help="The farm root (farm.yml and team repositories)."),
        click.option("--docker-host", "docker_hosts", multiple=True, metavar="URL",
                     help="A Docker host for shared agents (repeatable; default: $DOCKER_HOST, "
                          "else farm.yml cloud.docker_host). With --swarm-node: the Swarm manager."),
        click.option("--drydock-host", "drydock_hosts", multiple=True, metavar="URL",
                     help="A DryDock host: the only one running agents that get the Docker socket."),
        click.option("--swarm-node", "swarm_nodes", multiple=True, metavar="NODE=URL",
                     help="Use the Swarm of --docker-host: a node (id, address or hostname) and its "
                          "engine URL (repeatable). Nodes labelled drydock=true are DryDock hosts."),
        click.option("--jenkins", "jenkins_url", metavar="URL",
                     help="The controller (default: farm.yml jenkins.url)."),
        click.option("--user", help="Jenkins user of the API token."),
        click.option("--token-env", default=TOKEN_ENV, show_default=True,
                     help="Environment variable holding the API token."),
        click.option("--farm-id", help="The id on every agent of this farm (default: farm.yml cloud.name)."),
        click.option("--registry-auth", "registry_logins", multiple=True, metavar="REGISTRY=USER",
                     help="Pull from REGISTRY (host[:port]) as USER, with the password in the variable "
                          "named by --registry-password-env (repeatable)."),
        click.option("--registry-password-env", default=REGISTRY_PASSWORD_ENV, show_default=True,
                     help="Environment variable holding the registry password."),
        click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON."),
    ]  # fmt: skip
    for option in reversed(options):
        command = option(command)
    return command


def _provisioner(params: dict[str, Any], **settings: Any) -> tuple[SlaveProvisioner, Farm]:
    """The farm, backend, controller and settings the shared options describe."""
    from jenkins_docker_sdk.clients import JenkinsClient
    from jenkins_docker_sdk.clients.docker import DockerEngine, TLSFiles
    from jenkins_docker_sdk.model import Farm
    from jenkins_docker_sdk.provisioning import (
        DRYDOCK,
        DockerHost,
        ProvisionerSettings,
        SlaveProvisioner,
        StaticBackend,
        SwarmBackend,
    )

    farm = Farm.from_path(params["farm_path"])
    url = params["jenkins_url"] or farm.settings.jenkins_url
    if not url:
        raise InputError.at("no Jenkins controller: give --jenkins URL or set jenkins.url in farm.yml")
    jenkins = JenkinsClient.from_env(url, user=params["user"], token_env=params["token_env"])
    hosts = list(params["docker_hosts"]) or [os.environ.get("DOCKER_HOST") or farm.settings.cloud.docker_host]
    tls = TLSFiles.from_env(os.environ)  # tcp:// engines behind TLS, as the docker CLI finds them
    backend: Any
    if params["swarm_nodes"]:
        endpoints = dict(_pair(text) for text in params["swarm_nodes"])
        backend = SwarmBackend(manager=DockerEngine(url=hosts[0], tls=tls), endpoints=endpoints, tls=tls)
    else:
        fixed = [DockerHost.from_url(h, tls=tls) for h in hosts]
        fixed += [DockerHost.from_url(h, labels={DRYDOCK}, tls=tls) for h in params["drydock_hosts"]]
        backend = StaticBackend(fixed=fixed)
    auth = _registry_auth(params["registry_logins"], params["registry_password_env"])
    try:
        config = ProvisionerSettings.for_farm(farm, farm_id=params["farm_id"], registry_auth=auth, **settings)
    except ValueError as exc:
        raise InputError.at(str(exc)) from None
    provisioner = SlaveProvisioner.from_farm(farm, backend=backend, jenkins=jenkins, settings=config)
    return provisioner, farm


def _registry_auth(logins: Sequence[str], password_env: str) -> dict[str, Any]:
    """``--registry-auth REGISTRY=USER`` options, the password read from ``password_env``."""
    from jenkins_docker_sdk.provisioning import RegistryAuth

    if not logins:
        return {}
    password = os.environ.get(password_env)
    if not password:
        raise InputError.at(
            f"--registry-auth needs a password: environment variable {password_env} is unset or empty",
            hint=f"export {password_env}=<password> (or name another variable with --registry-password-env)",
        )
    found = {}
    for text in logins:
        registry, equals, user = text.partition("=")
        if not equals or not registry or not user:
            raise InputError.at(
                f"bad --registry-auth {text!r}", hint="give REGISTRY=USER, e.g. registry.example.com=ci-bot"
            )
        found[registry] = RegistryAuth(username=user, password=password)
    return found


def _pair(text: str) -> tuple[str, str]:
    key, equals, value = text.partition("=")
    if not equals or not key or not value:
        raise InputError.at(
            f"bad --swarm-node {text!r}", hint="give NODE=URL, e.g. worker-1=tcp://10.0.0.2:2376"
        )
    return key, value


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, sort_keys=True))


@click.command()
@click.argument("label")
@click.option(
    "--team",
    default=None,
    help="The team of the job the agent is for: only its templates and shared ones serve it "
    "(default: the team the label asks for, team=X).",
)
@click.option(
    "--docker/--no-docker", default=None, help="A job that builds images (a DryDock agent), or not."
)
@click.option(
    "--pull", type=click.Choice(["always", "if-missing", "never"]), default="if-missing", show_default=True
)
@click.option("--readiness-timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True)
@_options
def provision(label: str, team: str | None, docker: bool | None, pull: str, readiness_timeout: float,
              as_json: bool, **params: Any) -> None:  # fmt: skip
    """Start one agent for LABEL; print its node name and container once it is ready."""
    provisioner, _ = _provisioner(params, pull=pull, readiness_timeout=readiness_timeout)
    with provisioner:
        agent = provisioner.provision(label, team=team, docker=docker)
    if as_json:
        _print_json(agent.to_dict())
        return
    click.echo(
        f"{agent.node} {agent.container[:12]} on {agent.host} (template {agent.template}, {agent.connector})"
    )


@click.command()
@click.argument("node")
@_options
def release(node: str, as_json: bool, **params: Any) -> None:
    """Remove agent NODE: its container and its Jenkins node."""
    provisioner, _ = _provisioner(params)
    with provisioner:
        provisioner.release(node, missing_ok=False)
    if as_json:
        _print_json({"released": node})
        return
    click.echo(f"released {node}")


@click.command()
@_options
@click.pass_context
def agents(ctx: click.Context, /, as_json: bool, **params: Any) -> None:
    """List the farm's live agents: node, template, host, state, age, whether Jenkins knows it.

    Exit code 1 when a host did not answer (each is named): the list lacks its agents.
    """
    provisioner, _ = _provisioner(params)
    with provisioner:
        listing = provisioner.agent_listing()
    found = listing.agents
    if as_json:
        _print_json({"agents": [a.to_dict() for a in found], "unreachable": list(listing.unreachable)})
    else:
        _print_agents(found)
    for host in listing.unreachable:
        click.echo(f"error: host {host} did not answer: its agents are not listed", err=True)
    if listing.unreachable:
        ctx.exit(1)


def _print_agents(found: Sequence[AgentStatus]) -> None:
    now = time.time()
    rows = [("NODE", "TEMPLATE", "HOST", "STATE", "AGE", "JENKINS")]
    rows += [(a.node, a.template, a.host or "-", a.state, f"{now - a.created:.0f}s",
              "yes" if a.in_jenkins else "no") for a in found]  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@click.command()
@click.option("--dry-run", is_flag=True, help="Report what would be removed; remove nothing.")
@click.option("--grace", type=click.FloatRange(min=0), default=120.0, show_default=True,
              help="Seconds an agent is left alone after it was created.")  # fmt: skip
@click.option("--max-lifetime", type=click.FloatRange(min=1), default=6 * 3600.0, show_default=True,
              help="Seconds after which an agent is removed, busy or not.")  # fmt: skip
@_options
def reap(dry_run: bool, grace: float, max_lifetime: float, as_json: bool, **params: Any) -> None:
    """Remove the farm's orphaned, crashed and overdue agents (only this farm id's)."""
    from jenkins_docker_sdk.provisioning import reap as run_reaper

    provisioner, _ = _provisioner(params, grace=grace, max_lifetime=max_lifetime)
    with provisioner:
        report = run_reaper(provisioner, dry_run=dry_run)
    if as_json:
        _print_json(report.to_dict())
        return
    verb = "would remove" if dry_run else "removed"
    for action in report.actions:
        state = verb if dry_run or action.done else "could not remove"
        click.echo(f"{state} {action.kind} {action.node} ({action.reason})")
    for host in report.unreachable:
        click.echo(
            f"warning: host {host} did not answer; nodes without a container were left alone", err=True
        )
    if not report.actions:
        click.echo("nothing to reap")


@click.command()
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True,
              help="Warm the images of this many templates, the ones serving the most jobs.")  # fmt: skip
@_options
@click.pass_context
def prepull(ctx: click.Context, /, top: int, as_json: bool, **params: Any) -> None:
    """Pull the images of the busiest templates onto every host that may run them.

    Exit code 1 when a pull failed (each result is listed).
    """
    from jenkins_docker_sdk.provisioning.prepull import busiest
    from jenkins_docker_sdk.provisioning.prepull import prepull as run_prepull

    provisioner, farm = _provisioner(params, pull="always")
    with provisioner:
        results = run_prepull(provisioner, busiest(farm, top))
    if as_json:
        _print_json([r.to_dict() for r in results])
    else:
        for result in results:
            click.echo(f"{result.host}: {result.image}: {result.outcome}")
    if any(r.outcome.startswith("failed") for r in results):
        ctx.exit(1)


COMMANDS: Sequence[click.Command] = (provision, release, agents, reap, prepull)


def register(group: click.Group) -> None:
    """Add the provisioner's commands to ``jds``."""
    for command in COMMANDS:
        group.add_command(command)
