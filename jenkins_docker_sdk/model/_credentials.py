"""Credentials as declared: by a team (its folder's store) or the farm (the system store). No value."""

from __future__ import annotations

import attrs

from jenkins_docker_sdk.model import _names as names
from jenkins_docker_sdk.model._location import Location
from jenkins_docker_sdk.model._spec import CREDENTIAL_TYPES, CredentialScope, CredentialType, checked, spec


@attrs.frozen
class TeamCredential:
    """A credential a team declares in jenkins-docker.yml: it lives in the team folder's store.

    Only its id, type and description: the value is put into Jenkins by ``jds credentials
    sync`` from a source on the machine that runs it, never written in a manifest.
    """

    id: str = spec("Credential id in the team folder's credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential.")
    description: str | None = spec("Shown in Jenkins next to the id.", check=names.printable, default=None)


@attrs.frozen
class FarmCredential:
    """A credential the farm declares in farm.yml: it lives in the system (global) store."""

    id: str = spec("Credential id in the system credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential.")
    description: str | None = spec("Shown in Jenkins next to the id.", check=names.printable, default=None)
    shared: bool | None = spec(
        "true: every team's jobs may bind it; false (default): only the farm itself uses it "
        "(e.g. the registry pull credential).",
        default=None,
    )


@attrs.frozen(kw_only=True)
class Credential:
    """A declared credential, resolved: where it is stored and who may bind it. No value.

    Attributes:
        id: the credential id.
        type: the kind of credential.
        scope: ``folder`` (the team folder's store) or ``global`` (the system store).
        team: the owning team (its folder) for ``folder`` scope, else ``None``.
        description: shown in Jenkins.
        shared: a ``global`` credential that every team's jobs may bind.
        source: where it was declared.
    """

    id: str = attrs.field(validator=checked(names.credential_id))
    type: CredentialType = attrs.field(validator=attrs.validators.in_(CREDENTIAL_TYPES))
    scope: CredentialScope = attrs.field(
        default="folder", validator=attrs.validators.in_(("folder", "global"))
    )
    team: str | None = attrs.field(default=None, validator=checked(names.item_name))
    description: str = attrs.field(default="", validator=checked(names.printable))
    shared: bool = False
    source: Location | None = attrs.field(default=None, eq=False)

    def __attrs_post_init__(self) -> None:
        if (self.scope == "folder") != (self.team is not None):
            raise ValueError(f"credential {self.id!r}: a folder credential has a team, a global one none")
        if self.shared and self.scope != "global":
            raise ValueError(f"credential {self.id!r}: only a global credential can be shared")

    @property
    def store(self) -> str:
        """The store holding it: ``""`` for the system store, else the team folder."""
        return (self.team or "") if self.scope == "folder" else ""

    @property
    def key(self) -> str:
        """``id`` for a global credential, ``team/id`` for a folder one."""
        return f"{self.team}/{self.id}" if self.scope == "folder" else self.id
