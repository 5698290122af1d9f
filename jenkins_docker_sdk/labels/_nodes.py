"""Static nodes and their labels, read from a Jenkins controller through python-jenkins-style calls.

Only two calls are used (:class:`~jenkins_docker_sdk.clients.protocols.JenkinsNodesClient`),
so any object with them will do (python-jenkins' ``jenkins.Jenkins``, the SDK's
``JenkinsClient``, a test double): ``get_nodes()`` lists the
computers (dicts with ``name`` and ``offline``) and ``get_node_config(name)`` returns a
node's ``config.xml``, whose ``<label>`` (a label string) and ``<mode>`` (``NORMAL`` or
``EXCLUSIVE``) are read.

The built-in node (listed as ``master`` or ``Built-In Node``) is skipped: it has no
``config.xml`` of its own (its labels and mode are in the controller's top-level
configuration). To let jobs resolve to it, add a :class:`StaticNode` for it yourself.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Collection
from typing import TYPE_CHECKING

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.labels._strings import parse_label_string
from jenkins_docker_sdk.model import Mode, StaticNode

if TYPE_CHECKING:
    from jenkins_docker_sdk.clients.protocols import JenkinsNodesClient  # the type only

#: Names under which Jenkins lists its built-in node (display names and URL names, old and new).
BUILT_IN_NODE_NAMES = frozenset({"master", "(master)", "Built-In Node", "built-in", "(built-in)"})
_MODES: dict[str, Mode] = {"NORMAL": "normal", "EXCLUSIVE": "exclusive"}


def read_static_nodes(client: JenkinsNodesClient) -> tuple[StaticNode, ...]:
    """Every agent node of the controller with its labels and mode, in the listed order.

    Label strings are split as Jenkins splits them; a label string that is another node's
    name is that one label, as in Jenkins (every node's name is a label atom it holds).

    Raises:
        InputError: a node's ``config.xml`` is not XML, or has an unknown mode; the node
            is named.
    """
    entries = [entry for entry in client.get_nodes() if str(entry["name"]) not in BUILT_IN_NODE_NAMES]
    names = frozenset(str(entry["name"]) for entry in entries)
    return tuple(
        node_from_config(
            str(entry["name"]),
            client.get_node_config(str(entry["name"])),
            offline=bool(entry.get("offline")),
            known_atoms=names,
        )
        for entry in entries
    )


def node_from_config(
    name: str, config_xml: str, *, offline: bool = False, known_atoms: Collection[str] = frozenset()
) -> StaticNode:
    """A :class:`StaticNode` from a node's ``config.xml`` (``<name>``, ``<label>``, ``<mode>``).

    ``<label>`` is split as Jenkins' ``Label.parse`` splits it (see
    :func:`~._strings.parse_label_string` for ``known_atoms``).

    Raises:
        InputError: as for :func:`read_static_nodes`.
    """
    try:
        root = ET.fromstring(config_xml)
    except ET.ParseError as exc:
        raise InputError.at(f"node {name!r}: config.xml is not well-formed XML: {exc}") from None
    node_name = (root.findtext("name") or "").strip() or name
    mode_text = (root.findtext("mode") or "NORMAL").strip()
    mode = _MODES.get(mode_text)
    if mode is None:
        raise InputError.at(
            f"node {name!r}: unknown <mode> {mode_text!r} in config.xml",
            hint="accepted: " + ", ".join(_MODES),
        )
    labels = parse_label_string(root.findtext("label") or "", known_atoms=known_atoms)
    return StaticNode(node_name, labels, mode, offline)
