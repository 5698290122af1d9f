"""``jds apply``: push a render output to a Jenkins controller, writing only what differs.

:func:`apply_output` reads the output (:mod:`.desired`), reads the controller once,
plans (:mod:`.plan`, pure), and carries the plan out (:mod:`.execute`). The content hash
that makes a re-sync cheap lives in each job's description (:mod:`.marker`).
"""

from __future__ import annotations

from jenkins_docker_sdk.apply.desired import Desired, DesiredItem, read_output
from jenkins_docker_sdk.apply.execute import Execution, Outcome, Progress, execute
from jenkins_docker_sdk.apply.marker import Marker, config_hash, read_marker, stamp
from jenkins_docker_sdk.apply.plan import Action, Options, Plan, Step, configs_to_read, make_plan
from jenkins_docker_sdk.apply.sync import DEFAULT_CONCURRENCY, ApplyResult, ScriptOutcome, apply_output

__all__ = [
    "DEFAULT_CONCURRENCY",
    "Action",
    "ApplyResult",
    "Desired",
    "DesiredItem",
    "Execution",
    "Marker",
    "Options",
    "Outcome",
    "Plan",
    "Progress",
    "ScriptOutcome",
    "Step",
    "apply_output",
    "config_hash",
    "configs_to_read",
    "execute",
    "make_plan",
    "read_marker",
    "read_output",
    "stamp",
]
