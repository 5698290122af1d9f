"""``jds credentials sync``: create or update the declared credentials in the controller's stores.

Every value is read and checked first; only then is anything sent, one request per
credential (``createCredentials``; an id that exists is updated through its ``config.xml``).
Global credentials go to the system store, team credentials to their folder's store (the
folder must exist: ``jds apply`` creates it). Errors and log records are masked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Literal

import attrs

from jenkins_docker_sdk.clients.protocols import CredentialStores
from jenkins_docker_sdk.credentials import masking
from jenkins_docker_sdk.credentials.sources import ValueSource
from jenkins_docker_sdk.credentials.storexml import credential_xml
from jenkins_docker_sdk.credentials.values import read_values
from jenkins_docker_sdk.errors import JenkinsNotFoundError
from jenkins_docker_sdk.model import Credential, Farm

log = logging.getLogger(__name__)


@attrs.frozen
class SyncedCredential:
    """What sync did with one credential (no value)."""

    key: str
    store: str
    action: Literal["created", "updated"]


def farm_credentials(farm: Farm) -> list[Credential]:
    """Every credential the farm declares, once: the global ones, then each team's."""
    found: dict[str, Credential] = {c.key: c for c in farm.settings.credentials}
    for repo in farm.repos:
        for credential in repo.credentials:
            found.setdefault(credential.key, credential)
    return list(found.values())


def sync_credentials(
    credentials: Iterable[Credential],
    source: ValueSource,
    stores: CredentialStores,
    *,
    masker: masking.SecretMasker | None = None,
) -> list[SyncedCredential]:
    """Create or update ``credentials`` in the controller's stores with values from ``source``.

    Raises:
        InputError: a value is missing or malformed (nothing was sent).
        JenkinsError: the controller refused a request (the credentials before it were written).
    """
    masker = masker if masker is not None else masking.MASKER
    with masking.masked_errors(masker):
        all_values = read_values(credentials, source, masker)
        done = []
        for values in all_values:
            credential = values.credential
            xml = credential_xml(values)
            try:
                created = stores.create_credential(credential.store, xml)
            except JenkinsNotFoundError as error:
                if not credential.store:
                    raise
                raise JenkinsNotFoundError(
                    f"{error}: folder {credential.store} is not on the controller (jds apply creates "
                    "the team folders; run it first)",
                    method=error.method,
                    url=error.url,
                    status=404,
                ) from None
            action: Literal["created", "updated"] = "created"
            if not created:
                stores.update_credential(credential.store, credential.id, xml)
                action = "updated"
            log.info("credential %s %s in %s", credential.key, action, credential.store or "the system store")
            done.append(SyncedCredential(credential.key, credential.store, action))
        return done
