"""How a provisioner behaves: caps, retries, cool-downs, timeouts, pulls, reaping."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from jenkins_docker_sdk.model import Connector, Farm, Isolation

PullStrategy = Literal["always", "if-missing", "never"]
PULL_STRATEGIES: tuple[PullStrategy, ...] = ("always", "if-missing", "never")
FARM_ID = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}")


def _check_farm_id(_instance: object, _attribute: object, value: str) -> None:
    if not FARM_ID.fullmatch(value):
        raise ValueError(
            f"farm id {value!r} is not accepted: 1-63 letters, digits, '_', '.' or '-', "
            "starting with a letter or digit"
        )


@attrs.frozen(kw_only=True)
class RegistryAuth:
    """Credentials of one registry, as the controller side hands them to ``docker pull``."""

    username: str
    password: str = attrs.field(repr=False)

    def as_auth_config(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password}


@attrs.frozen(kw_only=True)
class ProvisionerSettings:
    """Everything a :class:`~jenkins_docker_sdk.provisioning.SlaveProvisioner` may be told.

    Attributes:
        farm_id: written on every container and node; the reaper touches nothing else.
        cloud_cap: at most this many agents of the farm at once (all hosts).
        retries: attempts after the first one failed (0: a single attempt).
        backoff: wait before the first retry, doubled each time, at most ``max_backoff``.
        failure_threshold: failures of one template within ``failure_window`` seconds
            that suspend it for ``cooldown`` seconds (docker-plugin's errorDuration: 300).
        readiness_timeout: seconds an agent has to become ready.
        host_recheck: seconds between pings of a host taken out of placement.
        pull: ``always``, ``if-missing`` or ``never``.
        registry_auth: registry host (``registry.example.com:5000``) -> credentials.
        ssh_credentials_id: the controller's credential for ssh agents.
        ssh_ports: the host ports ssh agents listen on (host network).
        agent_jar: where the inbound agent's jar is in jnlp images.
        commands: per connector, a command replacing the default agent command; each
            element is formatted with ``{node}``, ``{jenkins_url}``, ``{secret_file}``,
            ``{remote_fs}``, ``{port}``, ``{agent_jar}``.
        network: ``host`` or ``none``.
        locality: prefer hosts that hold the image (off: load alone decides; for comparison).
        grace: the reaper leaves anything younger than this alone (seconds).
        max_lifetime: the reaper removes agents older than this (seconds).
        isolation: the farm's tenancy isolation (farm.yml ``tenancy.isolation``): ``all``
            gives a request of no known team only shared templates; ``credentials`` any.
    """

    farm_id: str = attrs.field(validator=_check_farm_id)
    cloud_cap: int = attrs.field(default=100, validator=attrs.validators.ge(1))
    retries: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    backoff: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))
    max_backoff: float = 30.0
    failure_threshold: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    failure_window: float = 600.0
    cooldown: float = 300.0
    readiness_timeout: float = 60.0
    host_recheck: float = 10.0
    pull: PullStrategy = attrs.field(default="if-missing", validator=attrs.validators.in_(PULL_STRATEGIES))
    registry_auth: Mapping[str, RegistryAuth] = attrs.field(factory=dict, repr=False)
    ssh_credentials_id: str = "jds-agent-ssh"
    ssh_ports: tuple[int, int] = (22000, 22999)
    agent_jar: str = "/usr/share/jenkins/agent.jar"
    commands: Mapping[Connector, tuple[str, ...]] = attrs.field(factory=dict)
    network: str = attrs.field(default="host", validator=attrs.validators.in_(("host", "none")))
    locality: bool = True
    grace: float = 120.0
    max_lifetime: float = 6 * 3600.0
    isolation: Isolation = attrs.field(default="all", validator=attrs.validators.in_(("all", "credentials")))

    @classmethod
    def for_farm(cls, farm: Farm, **overrides: Any) -> ProvisionerSettings:
        """Settings from ``farm.yml``: the farm id is ``cloud.name``, the cloud cap
        ``cloud.container_cap``, the isolation ``tenancy.isolation``; ``overrides`` win.

        Raises:
            ValueError: a value is not accepted (a farm id with spaces, say).
        """
        values: dict[str, Any] = {
            "farm_id": farm.settings.cloud.name,
            "cloud_cap": farm.settings.cloud.container_cap,
            "isolation": farm.settings.tenancy.isolation,
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt ``attempt`` (0-based)."""
        return float(min(self.max_backoff, self.backoff * 2**attempt))
