"""The controller model: items (folders and jobs), builds, the queue, nodes, credentials, scripts.

Pure state, no HTTP: the router (:mod:`._routes`) checks permissions and turns these
operations into Jenkins' answers. Every operation that Jenkins refuses raises the
:class:`~._errors.HttpFailure` Jenkins would answer with.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator

import attrs

from jenkins_docker_sdk.testing import _xml
from jenkins_docker_sdk.testing._errors import failure, not_found, status
from jenkins_docker_sdk.testing._http import quote_segment

BUILT_IN_NODE = "Built-In Node"
_UNSAFE = "?*/\\%!@#$^&|<>[]:;"


def check_good_name(name: str | None) -> str:
    """``Jenkins.checkGoodName``: the name trimmed, or the 400 Jenkins answers."""
    if name is None or not name:
        raise failure("No name is specified")
    if name.strip() in (".", ".."):
        raise failure(f"“{name.strip()}” is not an allowed name")
    for char in name:
        if ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F:  # Character.isISOControl
            raise failure(f"No control code is allowed: {name!r}")
        if char in _UNSAFE:
            raise failure(f"‘{char}’ is an unsafe character")
    if name.strip().endswith("."):
        raise failure("A name cannot end with ‘.’")
    return name.strip()


@attrs.define(eq=False)
class Build:
    """A finished build of a job."""

    number: int
    result: str
    queue_id: int
    parameters: tuple[tuple[str, str], ...]
    timestamp: int


@attrs.define(eq=False)
class Item:
    """A folder or a job; its type, description and disabled flag come from its config.xml."""

    name: str
    parent: Item | None
    config_xml: str
    root: ET.Element = attrs.field(repr=False)
    children: dict[str, Item] = attrs.field(factory=dict, repr=False)
    builds: list[Build] = attrs.field(factory=list, repr=False)
    next_build_number: int = 1

    @property
    def full_name(self) -> str:
        return self.name if self.parent is None else f"{self.parent.full_name}/{self.name}"

    @property
    def class_name(self) -> str:
        return _xml.item_class(self.root)

    @property
    def is_folder(self) -> bool:
        return self.class_name in _xml.FOLDER_CLASSES

    @property
    def description(self) -> str | None:
        return _xml.description(self.root)

    @property
    def disabled(self) -> bool:
        return _xml.is_disabled(self.root)

    def set_config(self, config_xml: str) -> None:
        """``updateByXml``: the new config must parse and keep the item's type."""
        root = _xml.parse(config_xml)
        _xml.check_same_type(self.root, root, "item")
        self.config_xml, self.root = config_xml, root

    def url_path(self) -> str:
        """``job/a/job/b/``: the item's URL below the root."""
        own = f"job/{quote_segment(self.name)}/"
        return own if self.parent is None else self.parent.url_path() + own


@attrs.define(eq=False)
class QueueItem:
    """A build waiting in the queue, or one that left it (``executable`` set)."""

    id: int
    job: Item
    parameters: tuple[tuple[str, str], ...]
    in_queue_since: int
    executable: Build | None = None
    cancelled: bool = False


@attrs.define(eq=False)
class Node:
    """A permanent agent; labels, mode and executors come from its config.xml."""

    name: str
    config_xml: str
    root: ET.Element = attrs.field(repr=False)
    connected: bool = True
    temporarily_offline: bool = False
    offline_message: str = ""
    offline_by: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        return _xml.split_labels(self.root.findtext("label") or "")

    @property
    def mode(self) -> str:
        return (self.root.findtext("mode") or "NORMAL").strip()

    @property
    def description(self) -> str:
        return self.root.findtext("description") or ""

    @property
    def launcher(self) -> str:
        found = self.root.find("launcher")
        return found.get("class", "") if found is not None else "hudson.slaves.JNLPLauncher"

    @property
    def executors(self) -> int:
        text = (self.root.findtext("numExecutors") or "1").strip()
        return int(text) if text.isdigit() else 1

    @property
    def offline(self) -> bool:
        return self.temporarily_offline or not self.connected

    def set_config(self, config_xml: str) -> None:
        root = _xml.parse(config_xml)
        if root.tag != self.root.tag:  # Computer.updateByXml
            raise status(400, "Node types do not match")
        self.config_xml, self.root = config_xml, root


@attrs.define(eq=False)
class Credential:
    """A credential in a store (``""``: the system store; else a folder's full name) and domain."""

    store: str
    domain: str
    id: str
    config_xml: str = attrs.field(repr=False)

    @property
    def class_name(self) -> str:
        return ET.fromstring(self.config_xml.encode()).tag

    @property
    def description(self) -> str:
        return ET.fromstring(self.config_xml.encode()).findtext("description") or ""


@attrs.define(kw_only=True)
class Controller:
    """Everything a controller holds. Not thread-safe: the router serialises access."""

    clock: Callable[[], float] = time.time
    items: dict[str, Item] = attrs.field(factory=dict)
    nodes: dict[str, Node] = attrs.field(factory=dict)
    credentials: dict[tuple[str, str, str], Credential] = attrs.field(factory=dict)
    domains: set[tuple[str, str]] = attrs.field(factory=lambda: {("", "_")})
    queue: dict[int, QueueItem] = attrs.field(factory=dict)
    next_queue_id: int = 1
    scripts_run: list[str] = attrs.field(factory=list)
    script_outputs: list[tuple[re.Pattern[str], str]] = attrs.field(factory=list)
    #: JnlpAgentReceiver.SLAVE_SECRET's key: an agent's secret is HMAC-SHA256(key, node name).
    agent_secret_key: bytes = attrs.field(factory=lambda: secrets.token_bytes(32), repr=False)

    # -- items ---------------------------------------------------------------------------

    def find(self, full_name: str) -> Item | None:
        """The item called ``a/b/c``, or None."""
        children, item = self.items, None
        for part in full_name.strip("/").split("/"):
            item = children.get(part)
            if item is None:
                return None
            children = item.children
        return item

    def folder(self, full_name: str) -> Item | None:
        """The folder ``full_name`` ("" for the root, None); 404 when it is not a folder."""
        if not full_name:
            return None
        item = self.find(full_name)
        if item is None or not item.is_folder:
            raise not_found()
        return item

    def children_of(self, parent: Item | None) -> dict[str, Item]:
        return self.items if parent is None else parent.children

    def create_item(self, parent: Item | None, name: str | None, config_xml: str) -> Item:
        """``ItemGroupMixIn.createTopLevelItem``: 400 for a bad or taken name, 500 for bad XML."""
        name = check_good_name(name)
        siblings = self.children_of(parent)
        if name in siblings:
            raise failure(f"A job already exists with the name ‘{name}’")
        root = _xml.parse(config_xml)
        _xml.item_class(root)  # an unknown type is refused before anything is stored
        item = Item(name, parent, config_xml, root)
        siblings[name] = item
        return item

    def delete_item(self, item: Item) -> None:
        """``AbstractItem.delete``: a folder goes with everything in it, and its credentials."""
        del self.children_of(item.parent)[item.name]
        gone = item.full_name
        for key in [key for key in self.credentials if key[0] == gone or key[0].startswith(gone + "/")]:
            del self.credentials[key]
        for queued in list(self.queue.values()):
            if queued.executable is None and _within(queued.job, item):
                queued.cancelled = True

    def walk(self, items: dict[str, Item] | None = None) -> Iterator[Item]:
        """Every item, depth first, in creation order."""
        for item in (self.items if items is None else items).values():
            yield item
            yield from self.walk(item.children)

    # -- builds and the queue -----------------------------------------------------------------

    def schedule(self, job: Item, parameters: tuple[tuple[str, str], ...]) -> tuple[QueueItem, bool]:
        """``Queue.schedule2``: the waiting item of the same job and parameters, or a new one."""
        for queued in self.queue.values():
            waiting = queued.executable is None and not queued.cancelled
            if waiting and queued.job is job and queued.parameters == parameters:
                return queued, False
        queued = QueueItem(self.next_queue_id, job, parameters, int(self.clock() * 1000))
        self.queue[queued.id] = queued
        self.next_queue_id += 1
        return queued, True

    def run_queue(self, result: str = "SUCCESS") -> list[Build]:
        """Start and finish every waiting build with ``result``, in queue order."""
        builds = []
        for queued in self.queue.values():
            if queued.executable is not None or queued.cancelled:
                continue
            job = queued.job
            build = Build(
                job.next_build_number, result, queued.id, queued.parameters, int(self.clock() * 1000)
            )
            job.builds.append(build)
            job.next_build_number += 1
            queued.executable = build
            builds.append(build)
        return builds

    # -- nodes ----------------------------------------------------------------------------

    def check_node_name(self, name: str | None) -> str:
        """``ComputerSet.checkName``: the trimmed name, or the 400 Jenkins answers."""
        if name is None:
            raise failure("Query parameter 'name' is required")
        name = check_good_name(name.strip())
        if name in self.nodes:
            raise failure(f"Agent called ‘{name}’ already exists")
        return name

    def create_node(self, name: str | None, config_xml: str, *, connected: bool = True) -> Node:
        """``Jenkins.addNode`` after the name checks."""
        name = self.check_node_name(name)
        node = Node(name, config_xml, _xml.parse(config_xml), connected)
        self.nodes[name] = node
        return node

    def agent_secret(self, name: str) -> str:
        """``JnlpAgentReceiver.SLAVE_SECRET.mac(name)``: the hex HMAC of the node name."""
        return hmac.new(self.agent_secret_key, name.encode("utf-8"), hashlib.sha256).hexdigest()

    def node(self, name: str) -> Node:
        node = self.nodes.get(name)
        if node is None:
            raise not_found()
        return node

    # -- credentials ------------------------------------------------------------------------

    def add_credential(self, store: str, domain: str, config_xml: str) -> bool:
        """``CredentialsStore.addCredentials``: False when the id is taken in that domain."""
        credential_id = _xml.credential_id(_xml.parse(config_xml, "credential"))
        key = (store, domain, credential_id)
        if key in self.credentials:
            return False
        self.credentials[key] = Credential(store, domain, credential_id, config_xml)
        return True

    def credentials_in(self, store: str, domain: str) -> list[Credential]:
        return [c for (s, d, _), c in self.credentials.items() if (s, d) == (store, domain)]

    # -- scripts --------------------------------------------------------------------------

    def run_script(self, script: str) -> str:
        """Record a script and produce its output: a registered result, then literal prints."""
        self.scripts_run.append(script)
        output = next((text for pattern, text in self.script_outputs if pattern.search(script)), "")
        return output + "".join(_literal_prints(script))


def _within(item: Item, ancestor: Item) -> bool:
    node: Item | None = item
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


_PRINT = re.compile(
    r"""^\s*(print|println)\s*\(?\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)?\s*;?\s*$"""
)


def _literal_prints(script: str) -> Iterator[str]:
    """What Groovy prints for lines that are only ``print``/``println`` of a string literal.

    This is how python-jenkins' ``run_script`` marker (``print(")]}.")``) comes back.
    """
    for line in script.splitlines():
        match = _PRINT.match(line)
        if match:
            text = match.group(2) if match.group(2) is not None else match.group(3)
            text = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)
            yield text + ("\n" if match.group(1) == "println" else "")
