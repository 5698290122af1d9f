"""Rendering: a checked farm into Jenkins configuration, every team value escaped by construction.

- :mod:`._escaping`: one escaping filter and marker type per output language (Groovy, XML,
  YAML for Configuration-as-Code);
- :mod:`._context`: what the templates see, plain snake_case data prepared from the model;
- :mod:`._renderer`: one Jinja environment per language, whose ``finalize`` hook refuses any
  value that did not pass that language's filter, and :class:`Renderer`, which lays the
  farm out in the templates;
- :mod:`._pipeline`: the render pipeline (read, render, audit, write, report);
- :mod:`._files`: outputs written all or nothing; :mod:`._report`: ``report.json``.
"""

from __future__ import annotations

from jenkins_docker_sdk.errors import AuditError
from jenkins_docker_sdk.render import _escaping as escaping
from jenkins_docker_sdk.render._audit import AuditFinding, KnownValues, audit_directory, audit_text
from jenkins_docker_sdk.render._casc import SYMBOLS as CASC_SYMBOLS
from jenkins_docker_sdk.render._casc import casc_entries, casc_entry
from jenkins_docker_sdk.render._context import LOG_KEEP, MANAGED_MARKER, NO_TRACE, shell_steps
from jenkins_docker_sdk.render._escaping import groovy_string, xml_text, yaml_string
from jenkins_docker_sdk.render._files import write_atomically, write_file_atomically
from jenkins_docker_sdk.render._pipeline import RenderResult, render_farm, render_path
from jenkins_docker_sdk.render._renderer import (
    HASH_LENGTH,
    SEED,
    SEED_DATA,
    SEED_FORMAT,
    RenderedJob,
    Renderer,
    content_hash,
    make_environment,
    templates_dir,
)
from jenkins_docker_sdk.render._report import GENERATOR, REPORT, build_report, report_text

__all__ = [
    "CASC_SYMBOLS",
    "GENERATOR",
    "HASH_LENGTH",
    "LOG_KEEP",
    "MANAGED_MARKER",
    "NO_TRACE",
    "REPORT",
    "SEED",
    "SEED_DATA",
    "SEED_FORMAT",
    "AuditError",
    "AuditFinding",
    "KnownValues",
    "RenderResult",
    "RenderedJob",
    "Renderer",
    "audit_directory",
    "audit_text",
    "build_report",
    "casc_entries",
    "casc_entry",
    "content_hash",
    "escaping",
    "groovy_string",
    "make_environment",
    "render_farm",
    "render_path",
    "report_text",
    "shell_steps",
    "templates_dir",
    "write_atomically",
    "write_file_atomically",
    "xml_text",
    "yaml_string",
]
