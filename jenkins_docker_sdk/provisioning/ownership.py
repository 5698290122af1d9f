"""Ownership: the labels on every agent container and the description of every agent node.

The reaper and the cap counts find this farm's agents by these marks alone, so a farm
never counts or touches another farm's agents (or anything a person started by hand).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

PREFIX = "io.jenkins-docker-sdk."
FARM = PREFIX + "farm"
TEMPLATE = PREFIX + "template"
NODE = PREFIX + "node"
CREATED = PREFIX + "created"
CONNECTOR = PREFIX + "connector"
PORT = PREFIX + "port"
_DESCRIPTION = re.compile(r"^jds agent: farm=(\S+) template=(\S+) created=(\d+(?:\.\d+)?)")


@attrs.frozen(kw_only=True)
class Ownership:
    """Whose an agent is: farm, template, node name, creation time (epoch seconds)."""

    farm: str
    template: str
    node: str
    created: float
    connector: str = ""
    port: int | None = None

    def labels(self) -> dict[str, str]:
        """The container labels."""
        labels = {
            FARM: self.farm,
            TEMPLATE: self.template,
            NODE: self.node,
            CREATED: f"{self.created:.3f}",
            CONNECTOR: self.connector,
        }
        if self.port is not None:
            labels[PORT] = str(self.port)
        return labels

    def description(self) -> str:
        """The Jenkins node description (the reaper reads the farm and age back from it)."""
        return f"jds agent: farm={self.farm} template={self.template} created={self.created:.3f}"

    @classmethod
    def from_labels(cls, labels: Mapping[str, str]) -> Ownership | None:
        """The ownership written by :meth:`labels`; ``None`` for a container that is not an agent."""
        try:
            port = labels.get(PORT)
            return cls(
                farm=labels[FARM],
                template=labels[TEMPLATE],
                node=labels[NODE],
                created=float(labels[CREATED]),
                connector=labels.get(CONNECTOR, ""),
                port=int(port) if port else None,
            )
        except (KeyError, ValueError):
            return None


@attrs.frozen
class NodeMark:
    """What a node's description says of it: farm, template, creation time."""

    farm: str
    template: str
    created: float

    @classmethod
    def parse(cls, description: str) -> NodeMark | None:
        found = _DESCRIPTION.match(description)
        return cls(found[1], found[2], float(found[3])) if found else None
