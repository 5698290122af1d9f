"""Labels: Jenkins label expressions and label strings, which templates serve a job, and why.

- :mod:`._syntax`: expressions parsed exactly as Jenkins' ``Label.parseExpression`` parses
  them, with a canonical text;
- :mod:`._strings`: label strings (a node's or template's labels) split as ``Label.parse``;
- :mod:`._resolver`: which templates and static nodes serve an expression, as Jenkins and
  its clouds bind them; :mod:`._explain`: the smallest change that would make each serve it;
- :mod:`._analysis`: the farm-wide analysis (what serves every job, what looks wrong);
- :mod:`._tenancy` (``tenancy``): the team labels that keep a team's jobs on its own and the
  shared templates;
- :mod:`._nodes`: static nodes read from a controller.
"""

from __future__ import annotations

from jenkins_docker_sdk.labels import _tenancy as tenancy
from jenkins_docker_sdk.labels._analysis import (
    SEVERITIES,
    Finding,
    LabelProblem,
    LabelReport,
    Severity,
    analyse_labels,
    edit_distance,
    report_from_error,
)
from jenkins_docker_sdk.labels._explain import (
    MAX_EXACT_ATOMS,
    ChangeFinder,
    Explanation,
    Verdict,
    describe_change,
)
from jenkins_docker_sdk.labels._job_label import job_label
from jenkins_docker_sdk.labels._nodes import read_static_nodes
from jenkins_docker_sdk.labels._resolver import (
    CapacityCheck,
    LabelResolver,
    Resolution,
    instance_cap_reached,
)
from jenkins_docker_sdk.labels._strings import parse_label_string
from jenkins_docker_sdk.labels._syntax import (
    MAX_NESTING,
    MAX_OPERATORS,
    And,
    Atom,
    Iff,
    Implies,
    LabelExpression,
    Not,
    Or,
    quote_atom,
)
from jenkins_docker_sdk.model import quote_label, write_label_string

__all__ = [
    "MAX_EXACT_ATOMS",
    "MAX_NESTING",
    "MAX_OPERATORS",
    "SEVERITIES",
    "And",
    "Atom",
    "CapacityCheck",
    "ChangeFinder",
    "Explanation",
    "Finding",
    "Iff",
    "Implies",
    "LabelExpression",
    "LabelProblem",
    "LabelReport",
    "LabelResolver",
    "Not",
    "Or",
    "Resolution",
    "Severity",
    "Verdict",
    "analyse_labels",
    "describe_change",
    "edit_distance",
    "instance_cap_reached",
    "job_label",
    "parse_label_string",
    "quote_atom",
    "quote_label",
    "read_static_nodes",
    "report_from_error",
    "tenancy",
    "write_label_string",
]
