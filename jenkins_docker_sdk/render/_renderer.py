"""Rendering: one Jinja environment per output language, and the farm's outputs.

Each environment has ``StrictUndefined`` and a ``finalize`` hook that refuses any value
not produced by that language's escaping filter (:mod:`jenkins_docker_sdk.escaping`):
a template author who forgets ``|groovy`` gets a :class:`RenderError`, never an
injection. Templates only lay out prepared data; the logic stays here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

import attrs
import jinja2

from jenkins_docker_sdk.errors import RenderError
from jenkins_docker_sdk.model import Farm, JobSpec
from jenkins_docker_sdk.render import _context as context
from jenkins_docker_sdk.render import _escaping as escaping
from jenkins_docker_sdk.render._casc import casc_entries

SEED = "seed/seed.groovy"
#: The seed's data: the folders and jobs it creates, as JSON beside the seed script.
SEED_DATA = "seed/seed.json"
SEED_FORMAT = 1  # of SEED_DATA; the seed script refuses data of another format
HASH_LENGTH = 16  # hex digits of the content hashes in report.json
_FOLDER_TEMPLATE = "folder.config.xml.j2"


def templates_dir() -> Path:
    """Where the shipped templates are: inside the installed package, or the source tree."""
    package = Path(__file__).resolve().parents[1]  # jenkins_docker_sdk
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "Jenkinsfile.groovy.j2").is_file():
            return candidate
    raise RenderError(f"templates not found next to {package}; is the package installed correctly?")


def _guard(marker: type[str], language: str) -> Callable[[Any], str]:
    def finalize(value: Any) -> str:
        if isinstance(value, marker):
            return value
        raise RenderError(
            f"a {type(value).__name__} value reached a {language} template without its escaping "
            f"filter: {str(value)[:40]!r}"
        )

    return finalize


def _strict(escape: Callable[[Any], str]) -> Callable[[Any], str]:
    """An escaping filter that lets an undefined variable fail as undefined."""

    def filter_(value: Any) -> str:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()
        return escape(value)

    return filter_


_LANGUAGES: dict[str, tuple[type[str], dict[str, Callable[..., Any]]]] = {
    "groovy": (escaping.GroovyCode, {"groovy": escaping.groovy}),
    "xml": (escaping.XmlText, {"xml": escaping.xml_text}),
    # the YAML templates are all Configuration-as-Code: `${` is escaped for JCasC
    "yaml": (escaping.YamlValue, {"yaml": escaping.casc_value}),
}


def make_environment(language: str, directory: Path | None = None) -> jinja2.Environment:
    """A Jinja environment for ``language`` ("groovy", "xml" or "yaml")."""
    marker, filters = _LANGUAGES[language]
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory or templates_dir()),
        undefined=jinja2.StrictUndefined,
        finalize=_guard(marker, language),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.clear()  # only the language's own filters: no |safe, no |e
    environment.filters.update({name: _strict(escape) for name, escape in filters.items()})
    return environment


@attrs.define(kw_only=True)
class Renderer:
    """Turns a :class:`Farm` into Jenkins configuration files.

    Attributes:
        templates: directory of templates to use instead of the shipped ones.
    """

    templates: Path | None = None

    @cached_property
    def _templates(self) -> dict[str, jinja2.Template]:
        groovy = make_environment("groovy", self.templates)
        xml = make_environment("xml", self.templates)
        yaml = make_environment("yaml", self.templates)
        return {
            "pipeline": groovy.get_template("Jenkinsfile.groovy.j2"),
            "seed": groovy.get_template("seed.groovy.j2"),
            "cloud_script": groovy.get_template("clouds.groovy.j2"),
            "config": xml.get_template("config.xml.j2"),
            "casc_docker": yaml.get_template("clouds.yaml.j2"),
            "casc_kubernetes": yaml.get_template("kubernetes.yaml.j2"),
            "casc_credentials": yaml.get_template("credentials.yaml.j2"),
        }

    def pipeline(self, job: JobSpec) -> str:
        """The job's Jenkinsfile."""
        return self._templates["pipeline"].render(job=context.job_context(job))

    def config_xml(self, job: JobSpec, pipeline: str) -> str:
        """The job as a Jenkins flow-definition config.xml, marked as managed."""
        return self._templates["config"].render(job=context.job_context(job), pipeline=pipeline)

    def folder_config_xml(self, team: str) -> str:
        """A team's folder as a cloudbees-folder config.xml, marked as managed.

        ``jds apply`` creates team folders from it; ``jds render`` does not write it.
        """
        return self._folder_template.render(
            description=f"{context.folder_description(team)}\n\n{context.MANAGED_MARKER}"
        )

    @cached_property
    def _folder_template(self) -> jinja2.Template:
        """The folder template: from ``templates`` if it has one, else the shipped one."""
        own = self.templates is not None and (self.templates / _FOLDER_TEMPLATE).is_file()
        return make_environment("xml", self.templates if own else None).get_template(_FOLDER_TEMPLATE)

    def seed_script(self) -> str:
        """The Job DSL seed script: the same for every farm; it reads :data:`SEED_DATA`."""
        return self._templates["seed"].render(data_file=SEED_DATA.rpartition("/")[2], data_format=SEED_FORMAT)

    def seed_entry(self, job: JobSpec, pipeline: str) -> str:
        """One job of the seed's data: a line of JSON (ASCII, so any controller charset reads it)."""
        return _seed_entry(context.job_context(job), pipeline)

    def seed_data(self, farm: Farm, entries: Iterable[str]) -> Iterator[str]:
        """The seed's data in pieces: the team folders, then ``entries`` (give them in name order)."""
        folders = ",\n".join(
            _json_line({"name": team, "description": context.folder_description(team)}) for team in farm.teams
        )
        head = f'{{"generator": "jenkins-docker-sdk", "format": {SEED_FORMAT},\n'
        yield head + f'"folders": [\n{folders}\n],\n"jobs": [\n'
        separator = ""
        for entry in entries:
            yield separator + entry
            separator = ",\n"
        yield "\n]}\n"

    def docker_cloud_yaml(self, farm: Farm) -> str:
        """Configuration-as-Code for docker-plugin: the cloud and one template per agent."""
        return self._docker_yaml(farm, context.docker_templates(farm))

    def _docker_yaml(self, farm: Farm, templates: list[dict[str, Any]]) -> str:
        return self._templates["casc_docker"].render(
            cloud=context.cloud_context(farm.settings), templates=templates
        )

    def kubernetes_yaml(self, farm: Farm) -> str:
        """Configuration-as-Code for kubernetes-plugin: inbound (jnlp) templates as pod templates."""
        templates = [context.kubernetes_template(t) for t in farm.templates if t.connector == "jnlp"]
        return self._templates["casc_kubernetes"].render(
            cloud=context.cloud_context(farm.settings), templates=templates
        )

    def credentials_yaml(self, farm: Farm) -> str:
        """Configuration-as-Code for the farm's global credentials: ``${VAR}`` placeholders only."""
        return self._templates["casc_credentials"].render(credentials=casc_entries(farm.settings.credentials))

    def cloud_script(self, farm: Farm) -> str:
        """A Groovy script that creates or updates the docker cloud; a no-op when unchanged."""
        return self._cloud_script(farm, context.docker_templates(farm))

    def _cloud_script(self, farm: Farm, templates: list[dict[str, Any]]) -> str:
        data = [context.docker_plugin_fields(template) for template in templates]
        return self._templates["cloud_script"].render(
            cloud=context.cloud_context(farm.settings), templates_json=json.dumps(data, separators=(",", ":"))
        )

    def render_job(self, job: JobSpec) -> RenderedJob:
        """One job's own files (Jenkinsfile, config.xml) and its block of the seed."""
        job_context = context.job_context(job)  # one context for the three outputs
        pipeline = self._templates["pipeline"].render(job=job_context)
        files = (
            (f"jobs/{job.team}/{job.name}.Jenkinsfile", pipeline),
            (
                f"jobs/{job.team}/{job.name}.config.xml",
                self._templates["config"].render(job=job_context, pipeline=pipeline),
            ),
        )
        return RenderedJob(files=files, seed=_seed_entry(job_context, pipeline))

    def cloud_files(self, farm: Farm) -> list[tuple[str, str]]:
        """The cloud configurations, as ``(relative path, text)``."""
        docker = context.docker_templates(farm)  # shared by the YAML and the Groovy script
        return [
            ("casc/clouds.yaml", self._docker_yaml(farm, docker)),
            ("casc/kubernetes.yaml", self.kubernetes_yaml(farm)),
            ("casc/credentials.yaml", self.credentials_yaml(farm)),
            ("groovy/clouds.groovy", self._cloud_script(farm, docker)),
        ]

    def farm_files(self, farm: Farm, entries: Iterable[str]) -> Iterator[tuple[str, Iterable[str]]]:
        """The farm-wide outputs, as ``(relative path, text in pieces)``: the seed, its data
        (the jobs' ``entries``, in name order; the only output written in pieces), the clouds."""
        yield SEED, (self.seed_script(),)
        yield SEED_DATA, self.seed_data(farm, entries)
        for relative, text in self.cloud_files(farm):
            yield relative, (text,)

    def render(self, farm: Farm) -> Iterator[tuple[str, str]]:
        """Every output as ``(relative path, text)``, farm-wide files last; deterministic order.

        Nothing is written or audited: :func:`~jenkins_docker_sdk.render.render_farm` does that.
        """
        entries = []
        for job in sorted(farm.jobs, key=lambda j: j.full_name):
            rendered = self.render_job(job)
            yield from rendered.files
            entries.append(rendered.seed)
        for relative, pieces in self.farm_files(farm, entries):
            yield relative, "".join(pieces)


@attrs.frozen
class RenderedJob:
    """A job's rendered files as ``(relative path, text)`` and its entry in the seed's data."""

    files: tuple[tuple[str, str], ...]
    seed: str


_json_line = json.JSONEncoder(ensure_ascii=True, separators=(", ", ": ")).encode  # one encoder, reused


def _seed_entry(job: dict[str, Any], pipeline: str) -> str:
    return _json_line(
        {
            "name": job["full_name"],
            "description": job["description"],
            "log_keep": job["log_keep"],
            "cron": job["cron"],
            "poll_scm": job["poll_scm"],
            "script": pipeline,
        }
    )


def content_hash(text: str) -> str:
    """A stable short hash of rendered content (used in the report)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]
