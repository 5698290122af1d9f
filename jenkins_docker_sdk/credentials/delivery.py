"""Secrets into agent containers, never into their configuration (``docker inspect``).

The provisioner hands a secret (a registry pull credential, a jnlp agent secret, ...) to
:class:`SecretDelivery`, which uses what the backend offers:

- on a Swarm: a Swarm secret, mounted by the engine at ``/run/secrets/<name>`` (tmpfs);
- on a plain Docker host: a tmpfs mount (:meth:`SecretDelivery.container_options`) and, once
  the container runs, the file written into it through ``docker exec``'s stdin
  (:meth:`SecretDelivery.deliver`); :meth:`SecretDelivery.wait_command` makes the agent
  command wait for the files;
- environment variables only when the policy says so (``allow_env``), with a warning: the
  environment of a container is shown by ``docker inspect`` to anyone with the Docker API.

Labels are never used. Every value is registered with the masker on the way in.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from jenkins_docker_sdk.clients import docker as docker_adapter
from jenkins_docker_sdk.credentials import masking
from jenkins_docker_sdk.errors import DeliveryRefused

log = logging.getLogger(__name__)

_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
#: Label on every Swarm secret the SDK creates; its value is the owner (a service name).
OWNER_LABEL = "io.jenkins-docker-sdk.secret-owner"
READY = ".ready"  # written last: the agent command waits for it
_SWARM_NAME_MAX = 64


def swarm_secret_name(owner: str, name: str) -> str:
    """The Swarm secret's name: ``<owner>-<name>``, or a hash of the owner when that is longer
    than the 64 characters Swarm accepts (the secrets are found again by label, not name)."""
    full = f"{owner}-{name}"
    if len(full) <= _SWARM_NAME_MAX:
        return full
    digest = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:12]
    return f"{digest}-{name}"[:_SWARM_NAME_MAX]


def _check_name(_instance: Any, _attribute: Any, value: str) -> None:
    if not _NAME.fullmatch(value) or value == READY:
        raise ValueError(
            f"secret name {value!r}: 1-64 of letters, digits, '_', '.', '-', not starting with '.' or '-'"
        )


def _secret(value: str | masking.Secret) -> masking.Secret:
    return value if isinstance(value, masking.Secret) else masking.Secret(value)


@attrs.frozen
class AgentSecret:
    """One secret for one agent: a file name (or variable name, with env) and the value."""

    name: str = attrs.field(validator=_check_name)
    value: masking.Secret = attrs.field(converter=_secret)


@attrs.frozen
class DeliveryPolicy:
    """How secrets may reach agents.

    Attributes:
        allow_env: put secrets into the container's environment when asked to (visible in
            ``docker inspect``); off by default.
        directory: where the tmpfs with the secret files is mounted on a plain Docker host.
        tmpfs_size: the size limit of that tmpfs.
    """

    allow_env: bool = False
    directory: str = "/run/jds-secrets"
    tmpfs_size: str = "1m"


@attrs.define(kw_only=True)
class SecretDelivery:
    """Hands secrets to agent containers through tmpfs files or Swarm secrets.

    Attributes:
        client: a docker SDK client (see :func:`jenkins_docker_sdk.clients.docker.client_from_env`).
        policy: what is allowed.
        masker: where the values are registered for masking.
        labels: extra labels for the Swarm secrets created (e.g. the provisioner's farm id).
    """

    client: Any = attrs.field(repr=False)
    policy: DeliveryPolicy = DeliveryPolicy()
    masker: masking.SecretMasker = attrs.field(factory=lambda: masking.MASKER, repr=False)
    labels: Mapping[str, str] = attrs.field(factory=dict)

    # --- a plain Docker host: tmpfs + docker exec -------------------------------------

    def container_options(self) -> dict[str, Any]:
        """Keyword arguments to add to ``containers.create``: the tmpfs for the secret files."""
        options = f"size={self.policy.tmpfs_size},mode=0711,noexec,nosuid,nodev"
        return {"tmpfs": {self.policy.directory: options}}

    def wait_command(self, command: Sequence[str]) -> list[str]:
        """``command`` made to wait until :meth:`deliver` has written every file (needs ``sh``)."""
        script = 'while [ ! -e "$0/.ready" ]; do sleep 0.1; done; exec "$@"'
        return ["sh", "-c", script, self.policy.directory, *command]

    def path(self, secret: AgentSecret) -> str:
        """Where ``secret`` is inside the container after :meth:`deliver`."""
        return f"{self.policy.directory}/{secret.name}"

    def deliver(self, container_id: str, secrets: Iterable[AgentSecret]) -> list[str]:
        """Write each secret as a file (mode 0400, owned by the container's user) into the
        tmpfs of the running container ``container_id``, then the ready marker.

        Returns:
            The paths written, in order.

        Raises:
            DockerError: the container is not running, or has no shell to write with.
        """
        with masking.masked_errors(self.masker):
            owner = docker_adapter.container_user(self.client, container_id).split(":")[0]
            written = []
            for secret in secrets:
                self.masker.add(secret.value)
                path = self.path(secret)
                docker_adapter.write_container_file(
                    self.client, container_id, path, secret.value.reveal().encode("utf-8"), owner=owner
                )
                written.append(path)
            docker_adapter.write_container_file(
                self.client, container_id, f"{self.policy.directory}/{READY}", b"", mode="0444"
            )
            return written

    # --- a Swarm: secrets -------------------------------------------------------------

    def swarm_secrets(self, owner: str, secrets: Iterable[AgentSecret]) -> list[Any]:
        """Create a Swarm secret per secret for the service ``owner``; returns what
        ``docker.types.ContainerSpec(secrets=...)`` takes (files at ``/run/secrets/<name>``).

        Remove them with :meth:`remove_swarm_secrets` when the service is gone.
        """
        labels = {**self.labels, OWNER_LABEL: owner}
        references = []
        with masking.masked_errors(self.masker):
            for secret in secrets:
                self.masker.add(secret.value)
                name = swarm_secret_name(owner, secret.name)
                secret_id = docker_adapter.create_swarm_secret(
                    self.client, name, secret.value.reveal().encode("utf-8"), labels
                )
                references.append(docker_adapter.swarm_secret_reference(secret_id, name, secret.name))
        return references

    def remove_swarm_secrets(self, owner: str) -> int:
        """Remove the Swarm secrets made for ``owner``; how many went."""
        return docker_adapter.remove_swarm_secrets(self.client, {**self.labels, OWNER_LABEL: owner})

    # --- environment variables: only if the policy allows ------------------------------

    def environment(self, secrets: Iterable[AgentSecret]) -> dict[str, str]:
        """The secrets as environment variables, if ``policy.allow_env``; a warning each time.

        Raises:
            DeliveryRefused: the policy does not allow it (the default).
        """
        secrets = list(secrets)
        names = ", ".join(s.name for s in secrets)
        if not self.policy.allow_env:
            raise DeliveryRefused(
                f"refusing to put secrets ({names}) into a container's environment: anyone who can "
                "run docker inspect would read them; use a tmpfs file or a Swarm secret, or set "
                "allow_env in the delivery policy"
            )
        log.warning("secrets %s go into a container's environment: docker inspect shows them", names)
        for secret in secrets:
            self.masker.add(secret.value)
        return {secret.name: secret.value.reveal() for secret in secrets}
