"""The shape of farm.yml and jenkins-docker.yml, read strictly and described as JSON Schema.

The file models below are attrs classes whose field metadata (``doc``, ``check``, ``min``,
``max``) is the single source of truth: :func:`read` turns loaded YAML into them,
reporting every unknown key (with a did-you-mean), wrong type and bad name at its line;
:func:`json_schema` describes the same fields for editors and ``jds schema``.
"""

from __future__ import annotations

import difflib
import functools
import math
import types
import typing
from pathlib import Path
from typing import Any, Literal, TypeVar, Union

import attrs

from jenkins_docker_sdk.model import (
    Connector,
    CredentialBinding,
    FarmCredential,
    GitSource,
    Isolation,
    Location,
    Mode,
    Problem,
    TeamCredential,
    Triggers,
    names,
    spec,
)
from jenkins_docker_sdk.reading._secrets import value_secrets

T = TypeVar("T")

#: Steps and credential bindings of one job at most: each is a call in the job's Jenkinsfile,
#: and these keep it far inside the JVM's 64 KiB of code per method, also once the Pipeline
#: plugin's CPS transformation has expanded it (values themselves may have any length).
MAX_STEPS = 200
MAX_BINDINGS = 50


# --- farm.yml -------------------------------------------------------------------------


@attrs.frozen
class JenkinsConfig:
    """The Jenkins controller the farm's jobs and clouds are for."""

    url: str | None = spec(
        "Controller URL, e.g. https://jenkins.example.com.", check=names.printable, default=None
    )


@attrs.frozen
class CloudConfig:
    """The Docker cloud agents are provisioned from."""

    name: str | None = spec("Cloud name in Jenkins.", check=names.item_name, default=None)
    docker_host: str | None = spec(
        "Docker host or Swarm URI (unix://, tcp://).", check=names.printable, default=None
    )
    container_cap: int | None = spec(
        "Most agent containers at once.", minimum=1, maximum=100000, default=None
    )
    connector: Connector | None = spec("Default connector for agent templates.", default=None)


@attrs.frozen
class DrydockConfig:
    """The DryDock host: the only agents that see a Docker socket."""

    label: str | None = spec("Label of the DryDock agents.", check=names.label_atom, default=None)
    teams: list[str] | None = spec(
        "Teams whose agent templates may carry the DryDock label (default: platform); the label "
        "is reserved: it gives the Docker socket.",
        check=names.item_name,
        default=None,
    )


@attrs.frozen
class DefaultsConfig:
    """Defaults for every job of the farm."""

    branch: str | None = spec("Branch built when a job names none.", check=names.branch_name, default=None)
    timeout_minutes: int | None = spec("Build timeout in minutes.", minimum=1, maximum=10080, default=None)


@attrs.frozen
class ValidationConfig:
    """How team images are validated."""

    policy: str | None = spec(
        "Validation policy file, relative to farm.yml (default: the policy shipped with jds).",
        check=names.printable,
        default=None,
    )


@attrs.frozen
class TeamPath:
    """Repositories at or below a path that belong to a team other than their first folder."""

    path: str = spec(
        "A folder under the farm root, e.g. vendor/acme (the longest matching path wins).",
        check=names.relative_path,
    )
    team: str = spec("The team these repositories belong to.", check=names.item_name)


@attrs.frozen
class TenancyConfig:
    """Which team owns which repository, and which agent templates serve every team."""

    paths: list[TeamPath] | None = spec(
        "Repositories whose team is not the first folder of their path (default: none).", default=None
    )
    shared_teams: list[str] | None = spec(
        "Teams whose agent templates serve every team's jobs (default: platform).",
        check=names.item_name,
        default=None,
    )
    shared_templates: list[str] | None = spec(
        "Further agent templates (<team>-<repo>) that serve every team's jobs.",
        check=names.item_name,
        default=None,
    )
    shared_images: list[str] | None = spec(
        "Images that several agent templates may use (otherwise each image belongs to one template).",
        check=names.image_name,
        default=None,
    )
    isolation: Isolation | None = spec(
        "all (default): every job runs only on its team's and the shared templates; credentials: "
        "only jobs that bind credentials are held to that.",
        default=None,
    )


@attrs.frozen
class FarmFile:
    """farm.yml at the farm root: farm-wide settings, all optional."""

    jenkins: JenkinsConfig | None = spec("The Jenkins controller.", default=None)
    registry: str | None = spec(
        "Registry that team images are pushed to.", check=names.registry_host, default=None
    )
    cloud: CloudConfig | None = spec("The Docker cloud.", default=None)
    drydock: DrydockConfig | None = spec("The DryDock host for jobs that build images.", default=None)
    defaults: DefaultsConfig | None = spec("Job defaults.", default=None)
    validation: ValidationConfig | None = spec("Image validation.", default=None)
    credentials: list[FarmCredential] | None = spec(
        "Credentials of the system store (ids only, never values).", default=None
    )
    tenancy: TenancyConfig | None = spec(
        "Which team owns which repository; which templates serve every team.", default=None
    )


# --- jenkins-docker.yml ---------------------------------------------------------------


@attrs.frozen
class AgentConfig:
    """The agent template this repository's Dockerfile provides."""

    dockerfile: str | None = spec(
        "Dockerfile path, relative to the repository.", check=names.printable, default=None
    )
    image: str | None = spec(
        "Image name (default: <registry>/<team>/<repo>).", check=names.image_name, default=None
    )
    labels: list[str] | None = spec(
        "Labels, merged with the Dockerfile's LABEL io.jenkins.agent.labels.",
        check=names.label_atom,
        default=None,
    )
    connector: Connector | None = spec("How Jenkins connects to the agent.", default=None)
    mode: Mode | None = spec(
        "exclusive: only jobs that name a matching label; normal: also unlabeled jobs.",
        default=None,
    )
    instance_cap: int | None = spec(
        "Most containers of this template at once.", minimum=1, maximum=10000, default=None
    )
    remote_fs: str | None = spec(
        "Agent work directory in the container.", check=names.printable, default=None
    )
    memory_mb: int | None = spec("Memory limit in MiB.", minimum=4, maximum=1048576, default=None)
    cpus: float | None = spec("CPU limit (fractions allowed).", maximum=1024, default=None)


@attrs.frozen
class JobConfig:
    """One pipeline job."""

    name: str = spec("Job name, unique within the team.", check=names.item_name)
    description: str | None = spec("Shown on the job page.", check=names.text, default=None)
    git: GitSource | None = spec("Repository to check out.", default=None)
    label: str | None = spec(
        "Jenkins label expression (default: the repo's agent labels joined with &&).",
        check=names.printable,
        default=None,
    )
    steps: list[str] | None = spec(
        "Shell steps, run in order.", check=names.text, max_items=MAX_STEPS, default=None
    )
    credentials: list[CredentialBinding] | None = spec(
        "Credentials bound to variables while the steps run.", max_items=MAX_BINDINGS, default=None
    )
    docker: bool | None = spec("The job builds images: run it on the DryDock label.", default=None)
    triggers: Triggers | None = spec("Timers and SCM polling.", default=None)
    timeout_minutes: int | None = spec("Build timeout in minutes.", minimum=1, maximum=10080, default=None)


@attrs.frozen
class RepoManifest:
    """jenkins-docker.yml in a team repository."""

    team: str | None = spec(
        "The repository's team, restated: it is where the farm puts the repository (its first "
        "folder, or farm.yml tenancy.paths), and a different value is an error.",
        check=names.item_name,
        default=None,
    )
    agent: AgentConfig | None = spec("The agent template of this repo's Dockerfile.", default=None)
    jobs: list[JobConfig] | None = spec("Jobs of this repository.", default=None)
    credentials: list[TeamCredential] | None = spec(
        "Credentials of the team folder's store that the team's jobs bind (ids only, never values).",
        default=None,
    )


# --- reading --------------------------------------------------------------------------


def _written(where: Any) -> str:
    """Where a value is, for a message: ``(("jenkins-docker.yml", "jobs"), 0)`` is
    ``jenkins-docker.yml.jobs[0]``. Readers pass these nested pairs down and write them out
    only for a problem, which most values never have."""
    if isinstance(where, str):
        return where
    parent, key = where
    return f"{_written(parent)}[{key}]" if isinstance(key, int) else f"{_written(parent)}.{key}"


@attrs.frozen
class _Type:
    """A field's type hint, classified once: ``kind`` and, per kind, what it holds."""

    kind: str  # "optional" | "literal" | "list" | "object" | "scalar"
    arg: Any  # the inner _Type, the literal's values, the attrs class or the scalar type


@attrs.frozen
class _Field:
    """One field of a file model, as the reader uses it."""

    name: str
    type: _Type
    meta: Any
    required: bool


@attrs.define
class _Reader:
    path: Path
    problems: list[Problem] = attrs.Factory(list)

    def fail(self, message: str, where: tuple[int, int] | None, hint: str | None = None) -> None:
        location = Location(self.path, *where) if where else Location(self.path)
        self.problems.append(Problem(message, location, hint))

    def read_object(self, data: Any, cls: type[T], where: tuple[int, int] | None, what: Any) -> T | None:
        if not isinstance(data, dict):
            self.fail(f"{_written(what)} must be a mapping, not {_kind(data)}", where)
            return None
        before = len(self.problems)
        fields = _fields(cls)  # type: ignore[arg-type]  # classes are hashable
        positions: dict[Any, tuple[int, int]] = getattr(data, "positions", {})
        values: dict[str, Any] = {}
        for key, value in data.items():
            field = fields.get(key)
            at = positions.get(key, where)
            if field is None:
                close = difflib.get_close_matches(str(key), fields, n=1)
                accepted = "did you mean " + repr(close[0]) + "?" if close else ""
                self.fail(
                    f"unknown key {key!r} in {_written(what)}" + (f"; {accepted}" if accepted else ""),
                    at,
                    "accepted keys: " + ", ".join(fields),
                )
                continue
            values[key] = self.read_value(value, field.type, field.meta, at, (what, key))
        if len(values) < len(fields):
            for name in [f.name for f in fields.values() if f.required and f.name not in data]:
                self.fail(f"{_written(what)} needs the key {name!r}: {fields[name].meta['doc']}", where)
        if len(self.problems) > before:
            return None  # the problems are already recorded
        return cls(**values)

    def read_value(self, value: Any, typ: _Type, meta: Any, at: tuple[int, int] | None, what: Any) -> Any:
        kind = typ.kind
        if kind == "scalar":
            return self.read_scalar(value, typ.arg, meta, at, what)
        if kind == "optional":
            return None if value is None else self.read_value(value, typ.arg, meta, at, what)
        if kind == "literal":
            if value not in typ.arg:
                self.fail(f"{_written(what)} is {value!r}; accepted: " + " | ".join(map(str, typ.arg)), at)
                return None
            return value
        if kind == "list":
            if not isinstance(value, list):
                self.fail(f"{_written(what)} must be a list, not {_kind(value)}", at)
                return None
            if (most := meta.get("max_items")) is not None and len(value) > most:
                self.fail(f"{_written(what)} has {len(value)} items; accepted: at most {most}", at)
                return None
            item_at: list[tuple[int, int]] = getattr(value, "positions", [])
            item = typ.arg
            return [
                self.read_value(entry, item, meta, item_at[i] if i < len(item_at) else at, (what, i))
                for i, entry in enumerate(value)
            ]
        return self.read_object(value, typ.arg, at, what)

    def read_scalar(self, value: Any, hint: Any, meta: Any, at: tuple[int, int] | None, what: Any) -> Any:
        if hint is str:
            if type(value) is not str:
                self.fail(f"{_written(what)} must be a string, not {_kind(value)}", at)
                return None
            check = meta["check"]
            if check is not None and (reason := check(value)) is not None:
                self.fail(f"{_written(what)} {_shown(value)} is not accepted: {reason}", at)
                return None
            return value
        if hint is bool:
            if not isinstance(value, bool):
                self.fail(f"{_written(what)} must be true or false, not {_kind(value)}", at)
                return None
            return value
        numeric = (int, float) if hint is float else (int,)
        if isinstance(value, bool) or not isinstance(value, numeric):
            wanted = "a number" if hint is float else "an integer"
            self.fail(f"{_written(what)} must be {wanted}, not {_kind(value)}", at)
            return None
        if hint is float and (not math.isfinite(value) or value <= 0):
            self.fail(f"{_written(what)} is {value}; accepted: a finite number above 0", at)
            return None
        low, high = meta.get("min"), meta.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                bounds = f"between {low} and {high}"
            else:
                bounds = f"at least {low}" if low is not None else f"at most {high}"
            self.fail(f"{_written(what)} is {value}; accepted: {bounds}", at)
            return None
        return value


@functools.cache
def _fields(cls: type[Any]) -> dict[str, _Field]:
    """A file model's fields, each with its type classified (computed once per class)."""
    hints = typing.get_type_hints(cls)
    return {
        f.name: _Field(f.name, _type_of(hints[f.name]), f.metadata, f.default is attrs.NOTHING)
        for f in attrs.fields(cls)
    }


def _type_of(hint: Any) -> _Type:
    kind, arg = _classify(hint)
    if kind in ("optional", "list"):
        return _Type(kind, _type_of(arg))
    return _Type(kind, arg)


def _shown(value: str, limit: int = 60) -> str:
    """``value`` as a Python literal, cut to about ``limit`` characters (with its length)."""
    shown = repr(value)
    return shown if len(shown) <= limit else f"{shown[: limit - 5]}...' ({len(value)} characters)"


def _kind(value: Any) -> str:
    """How a YAML value reads to a person: 'the number 2.5', "the string '1e3'", 'a list'."""
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        return f"the {'string' if isinstance(value, str) else 'number'} {shown}"
    kinds = (
        (type(None), "empty"),
        (bool, "a boolean"),
        (dict, "a mapping"),
        (list, "a list"),
        (str, "a string"),
        (int, "a number"),
        (float, "a number"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), type(value).__name__)


def read(data: Any, cls: type[T], path: Path, what: str) -> tuple[T | None, list[Problem]]:
    """Turn loaded YAML into the file model ``cls``, collecting every problem with its line.

    An empty file reads as a model with every field at its default.
    """
    reader = _Reader(path)
    start = getattr(data, "start", (1, 1))
    result = reader.read_object({} if data is None else data, cls, start, what)
    return result, reader.problems + value_secrets(data, path, what)


# --- JSON Schema ----------------------------------------------------------------------


def json_schema(cls: type[Any], title: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a file model, generated from its fields."""
    schema = _object_schema(cls)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **schema}


def _object_schema(cls: type[Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties = {}
    required = []
    for field in attrs.fields(cls):
        prop = _type_schema(hints[field.name], field.metadata)
        if doc := field.metadata.get("doc"):
            prop = {"description": doc, **prop}
        properties[field.name] = prop
        if field.default is attrs.NOTHING:
            required.append(field.name)
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if cls.__doc__:
        schema = {"description": cls.__doc__.strip().splitlines()[0], **schema}
    if required:
        schema["required"] = required
    return schema


def _type_schema(hint: Any, meta: Any) -> dict[str, Any]:
    kind, arg = _classify(hint)
    if kind == "optional":
        return _type_schema(arg, meta)
    if kind == "literal":
        return {"enum": list(arg)}
    if kind == "list":
        schema = {"type": "array", "items": _type_schema(arg, meta)}
        return schema if meta.get("max_items") is None else {**schema, "maxItems": meta["max_items"]}
    if kind == "object":
        return _object_schema(arg)
    if arg is bool:
        return {"type": "boolean"}
    if arg in (int, float):
        result: dict[str, Any] = {"type": "integer" if arg is int else "number"}
        if meta.get("min") is not None:
            result["minimum"] = meta["min"]
        if meta.get("max") is not None:
            result["maximum"] = meta["max"]
        if arg is float:
            result["exclusiveMinimum"] = 0
        return result
    return {"type": "string"}


@functools.cache
def _classify(hint: Any) -> tuple[str, Any]:
    """What a field's type hint asks for: ("optional" | "literal" | "list" | "object" | "scalar", detail)."""
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return "optional", next(arg for arg in typing.get_args(hint) if arg is not type(None))
    if origin is Literal:
        return "literal", typing.get_args(hint)
    if origin is list:
        return "list", typing.get_args(hint)[0]
    if attrs.has(hint):
        return "object", hint
    return "scalar", hint
