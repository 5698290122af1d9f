"""A pipeline job and the file-shaped parts of it (git source, credential bindings, triggers).

The file-shaped classes are read straight from team manifests by :mod:`jenkins_docker_sdk.reading`;
their field metadata (``doc``, ``check``, ``min``, ``max_items``) drives both that reading and
the generated JSON Schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from jenkins_docker_sdk.model import _names as names
from jenkins_docker_sdk.model._location import Location
from jenkins_docker_sdk.model._spec import CredentialType, checked, spec

if TYPE_CHECKING:
    from jenkins_docker_sdk.labels import LabelExpression  # the type only: labels imports the model


@attrs.frozen
class GitSource:
    """Where a job's code comes from."""

    url: str = spec("Repository URL, as git clone accepts it.", check=names.printable)
    branch: str | None = spec(
        "Branch to build (default: farm defaults.branch).", check=names.branch_name, default=None
    )
    credentials: str | None = spec(
        "Id of the Jenkins credential used to clone.", check=names.credential_id, default=None
    )


@attrs.frozen
class CredentialBinding:
    """A Jenkins credential bound to environment variables for the duration of the steps.

    Only ids and variable names: a value never appears in a manifest or a generated file.
    """

    id: str = spec("Credential id in the Jenkins credentials store.", check=names.credential_id)
    type: CredentialType = spec("Kind of credential, which decides the binding.")
    variable: str | None = spec(
        "Variable holding the secret (string), the file path (file, ssh_key) or the keystore "
        "path (certificate).",
        check=names.variable_name,
        default=None,
    )
    username_variable: str | None = spec(
        "Variable holding the user name (username_password, ssh_key).",
        check=names.variable_name,
        default=None,
    )
    password_variable: str | None = spec(
        "Variable holding the password (username_password) or keystore password (certificate).",
        check=names.variable_name,
        default=None,
    )
    passphrase_variable: str | None = spec(
        "Variable holding the key passphrase (ssh_key).", check=names.variable_name, default=None
    )

    #: Variables each type must (first) and may (second) name.
    SHAPES = {
        "string": (("variable",), ()),
        "file": (("variable",), ()),
        "username_password": (("username_variable", "password_variable"), ()),
        "ssh_key": (("variable",), ("username_variable", "passphrase_variable")),
        "certificate": (("variable",), ("password_variable",)),
    }

    @property
    def variables(self) -> tuple[str, ...]:
        """Every environment variable this binding sets."""
        fields = ("variable", "username_variable", "password_variable", "passphrase_variable")
        return tuple(v for f in fields if (v := getattr(self, f)) is not None)


@attrs.frozen
class Triggers:
    """When Jenkins starts the job by itself."""

    cron: str | None = spec("Cron spec in Jenkins syntax (H allowed).", check=names.printable, default=None)
    poll_scm: str | None = spec(
        "SCM polling spec in Jenkins cron syntax.", check=names.printable, default=None
    )


def _an_expression(_instance: Any, _attribute: Any, value: Any) -> None:
    if isinstance(value, str):  # the model imports nothing of labels, which parses text
        raise TypeError(f"label={value!r}: give a parsed label expression, LabelExpression.parse({value!r})")


@attrs.frozen(kw_only=True)
class JobSpec:
    """One Jenkins pipeline job, resolved: every default applied, every name checked."""

    team: str = attrs.field(validator=checked(names.item_name))
    name: str = attrs.field(validator=checked(names.item_name))
    repo: str
    description: str = ""
    git: GitSource | None = None
    #: what the job runs on, the farm's additions (DryDock, team) included; ``str(label)``
    #: is its canonical text, what the Jenkinsfile's ``node(...)`` names
    label: LabelExpression = attrs.field(validator=_an_expression)
    steps: tuple[str, ...] = ()
    credentials: tuple[CredentialBinding, ...] = ()
    docker: bool = False
    triggers: Triggers = Triggers()
    timeout_minutes: int = 60
    source: Location | None = attrs.field(default=None, eq=False)
    label_source: Location | None = attrs.field(default=None, eq=False)
    #: where each of ``credentials`` was bound, and where ``git.credentials`` was named
    credential_sources: tuple[Location, ...] = attrs.field(default=(), eq=False)
    git_credentials_source: Location | None = attrs.field(default=None, eq=False)

    @property
    def full_name(self) -> str:
        """The job's path in Jenkins: ``team/name`` (the team is a folder)."""
        return f"{self.team}/{self.name}"
