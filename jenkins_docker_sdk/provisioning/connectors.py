"""Per connector: the agent command, the Jenkins node's launcher, and the readiness probe.

- ``jnlp``: the container waits for its secret file (see :mod:`.agent_secret`), then runs
  the inbound agent jar with ``-secret @FILE``. Ready: the secret was written (by an
  ``exec``, so the container ran then) and the container still runs.
- ``ssh``: the container runs ``sshd -D -e -p PORT`` on a port of the host network; the
  node gets the host's address and that port. Ready: sshd answers with its ``SSH-`` banner.
- ``attach``: the container sits waiting; the node's command launcher starts the agent
  through ``docker exec``. Ready: the container answers an ``exec``.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning.agent_secret import SECRET_FILE
from jenkins_docker_sdk.provisioning.backends import DockerHost
from jenkins_docker_sdk.provisioning.settings import ProvisionerSettings

#: What the process list shows while a jnlp container still waits for its secret (the
#: default command and stand-ins written like it: ``while [ ! -s FILE ]; do ...``).
WAIT_MARK = "while [ ! -s"
_WAIT_THEN_RUN = (
    'while [ ! -s "$0" ]; do sleep 0.05; done; '
    'exec java -jar "$1" -url "$2" -secret @"$0" -name "$3" -workDir "$4"'
)
_SSHD = 'mkdir -p /run/sshd && ssh-keygen -A >/dev/null && exec /usr/sbin/sshd -D -e -p "$0"'
_SIT = "trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done"


def agent_command(
    template: AgentTemplate,
    settings: ProvisionerSettings,
    *,
    node: str,
    jenkins_url: str,
    port: int | None,
) -> tuple[str, ...]:
    """The container command for ``template``'s connector (or the settings' override)."""
    values = {
        "node": node,
        "jenkins_url": jenkins_url,
        "secret_file": SECRET_FILE,
        "remote_fs": template.remote_fs,
        "port": "" if port is None else str(port),
        "agent_jar": settings.agent_jar,
    }
    override = settings.commands.get(template.connector)
    if override is not None:
        return tuple(part.format_map(values) for part in override)
    if template.connector == "jnlp":
        return (
            "sh",
            "-c",
            _WAIT_THEN_RUN,
            SECRET_FILE,
            settings.agent_jar,
            jenkins_url,
            node,
            template.remote_fs,
        )
    if template.connector == "ssh":
        return ("sh", "-c", _SSHD, str(port))
    return ("sh", "-c", _SIT)


def launcher(
    template: AgentTemplate, settings: ProvisionerSettings, *, node: str, host: DockerHost, port: int | None
) -> Mapping[str, Any]:
    """The node's launcher, as the ``launcher`` part of Jenkins' node form."""
    if template.connector == "jnlp":
        return {"stapler-class": "hudson.slaves.JNLPLauncher", "webSocket": False}
    if template.connector == "ssh":
        return {
            "stapler-class": "hudson.plugins.sshslaves.SSHLauncher",
            "host": host.address,
            "port": port,
            "credentialsId": settings.ssh_credentials_id,
        }
    command = f"docker -H {host.engine.url} exec -i {node} java -jar {template.remote_fs}/remoting.jar"
    return {"stapler-class": "hudson.slaves.CommandLauncher", "command": command}


def is_ready(
    template: AgentTemplate, settings: ProvisionerSettings, host: DockerHost, container: str, port: int | None
) -> bool:
    """One probe of the connector's readiness (False also when the container stopped).

    ssh: sshd answers with its banner. jnlp: the container's processes no longer include the
    loop waiting for the secret (the agent command runs). attach: the container runs its
    waiting loop (with the default command: the loop's ``sleep``), ready for ``docker exec``.
    """
    if template.connector == "ssh":
        return port is not None and ssh_banner(host.address, port)
    processes = host.engine.processes(container)
    if not processes:
        return False
    if template.connector == "jnlp":
        return not any(WAIT_MARK in command for command in processes)
    if template.connector in settings.commands:
        return True
    return any(command.split()[0].endswith("sleep") for command in processes)


def ssh_banner(address: str, port: int, timeout: float = 1.0) -> bool:
    """Whether an SSH server answers on ``address:port`` with its ``SSH-`` banner."""
    try:
        with socket.create_connection((address, port), timeout=timeout) as connection:
            return connection.recv(4).startswith(b"SSH-")
    except OSError:
        return False
