"""The label a job runs on, built in one place for the reader and the provisioner alike."""

from __future__ import annotations

from collections.abc import Iterable

from jenkins_docker_sdk.labels._syntax import And, Atom, LabelExpression
from jenkins_docker_sdk.labels._tenancy import is_reserved, with_team


def job_label(
    asked: LabelExpression | None,
    *,
    own_labels: Iterable[str] = (),
    docker: bool = False,
    drydock_label: str = "drydock",
    team: str | None = None,
) -> LabelExpression:
    """What a job's label is once the farm has added what it adds.

    Args:
        asked: the expression the job asked for; None: its repository's own template labels
            (``own_labels``, all of them), or for a job that builds images, the DryDock label.
        own_labels: the labels of the job's repository's template (team labels left out).
        docker: the job builds images: it runs on the DryDock label (``drydock && (asked)``).
        drydock_label: the farm's DryDock label.
        team: the job's team when it is held to its team's templates (``team=<team> && ...``),
            None when it is not (see farm.yml ``tenancy.isolation``).

    Raises:
        ValueError: no label was asked for and there is nothing to run on.
    """
    drydock = Atom(drydock_label)
    if asked is None:
        own = sorted(atom for atom in own_labels if not is_reserved(atom))
        if docker:
            expression: LabelExpression = drydock
        elif own:
            expression = Atom(own[0])
            for atom in own[1:]:  # left-deep, as `a && b && c` parses
                expression = And(expression, Atom(atom))
        else:
            raise ValueError("a job without a label needs its repository's template labels")
    else:
        expression = And(drydock, asked) if docker else asked
    return expression if team is None else with_team(expression, team)
