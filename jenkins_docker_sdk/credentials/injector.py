"""CredentialInjector: the one object that carries a farm's credentials from ids to Jenkins."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.clients.protocols import CredentialStores
from jenkins_docker_sdk.credentials import masking
from jenkins_docker_sdk.credentials.delivery import DeliveryPolicy, SecretDelivery
from jenkins_docker_sdk.credentials.sources import ValueSource
from jenkins_docker_sdk.credentials.sync import SyncedCredential, farm_credentials, sync_credentials
from jenkins_docker_sdk.credentials.values import CredentialValues, read_values
from jenkins_docker_sdk.model import Credential, Farm, Problem
from jenkins_docker_sdk.reading import check_credentials
from jenkins_docker_sdk.render import AuditFinding, Renderer, audit_directory


@attrs.define(kw_only=True)
class CredentialInjector:
    """Credentials stay on the controller and reach builds at run time; no value in any
    file, image, container configuration or log line.

    Teams declare credential ids (never values) in ``jenkins-docker.yml``, the farm its global
    ones in ``farm.yml``; reading the farm checks who may bind what (:meth:`check`), and the
    rendered Jenkinsfiles bind them with ``withCredentials``. This object does the rest:
    JCasC with placeholders, syncing values from a source into the controller's stores,
    auditing rendered output, handing secrets to agent containers, and masking.

    Attributes:
        masker: where every value read is registered; log records and errors are masked with it.
        policy: how secrets may reach agent containers.
    """

    masker: masking.SecretMasker = attrs.field(factory=lambda: masking.MASKER, repr=False)
    policy: DeliveryPolicy = DeliveryPolicy()

    def credentials(self, farm: Farm) -> list[Credential]:
        """Every credential ``farm`` declares: global ones first, then each team's."""
        return farm_credentials(farm)

    def check(self, farm: Farm) -> list[Problem]:
        """Problems with the declarations and bindings (a farm read from disk has none left)."""
        return check_credentials(farm.settings, farm.repos)

    def casc_yaml(self, farm: Farm) -> str:
        """``casc/credentials.yaml``: the global credentials with ``${VAR}`` placeholders."""
        return Renderer().credentials_yaml(farm)

    def read_values(self, farm: Farm, source: ValueSource) -> list[CredentialValues]:
        """The values of every declared credential, checked, and registered for masking."""
        return read_values(self.credentials(farm), source, self.masker)

    def sync(self, farm: Farm, stores: CredentialStores, source: ValueSource) -> list[SyncedCredential]:
        """Create or update every declared credential in the controller's stores
        (``stores``: a :class:`~jenkins_docker_sdk.clients.JenkinsClient`)."""
        self.install_masking()
        return sync_credentials(self.credentials(farm), source, stores, masker=self.masker)

    def audit(self, out: Path) -> list[AuditFinding]:
        """Known values (those read so far) and secret-looking strings in rendered output ``out``."""
        return audit_directory(out, self.masker)

    def delivery(self, docker_client: Any, labels: Mapping[str, str] | None = None) -> SecretDelivery:
        """Hands secrets to agent containers of ``docker_client``'s engine (see :class:`SecretDelivery`)."""
        return SecretDelivery(
            client=docker_client, policy=self.policy, masker=self.masker, labels=dict(labels or {})
        )

    def install_masking(self) -> masking.MaskingFilter:
        """Mask the SDK's log records with :attr:`masker` (see :func:`masking.install`)."""
        return masking.install(self.masker)
