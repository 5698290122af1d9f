"""What ``.../api/json`` exports for each object, at a given ``depth``.

At depth 0 an object shows its own properties and nested objects only in summary (a job in
``jobs`` is ``_class``, ``name``, ``url``, ``color``); each level of depth shows one more
level in full. Field names and classes follow Jenkins 2.4xx's exported beans.
"""

from __future__ import annotations

from typing import Any

from jenkins_docker_sdk.testing._state import (
    BUILT_IN_NODE,
    Build,
    Controller,
    Credential,
    Item,
    Node,
    QueueItem,
)
from jenkins_docker_sdk.testing._xml import CREDENTIAL_TYPES, parameters

_BUILD_CLASSES = {
    "hudson.model.FreeStyleProject": "hudson.model.FreeStyleBuild",
    "org.jenkinsci.plugins.workflow.job.WorkflowJob": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
}
_COLORS = {
    "SUCCESS": "blue",
    "FAILURE": "red",
    "UNSTABLE": "yellow",
    "ABORTED": "aborted",
    "NOT_BUILT": "notbuilt",
}
_ALL_VIEW = "hudson.model.AllView"
_BUILT_IN = "the Jenkins controller's built-in node"


def root(state: Controller, url: str, depth: int, *, use_crumbs: bool, use_security: bool) -> dict[str, Any]:
    """``hudson.model.Hudson``: the controller itself (``/api/json``)."""
    return {
        "_class": "hudson.model.Hudson",
        "assignedLabels": [{"name": "built-in"}],
        "mode": "NORMAL",
        "nodeDescription": _BUILT_IN,
        "nodeName": "",
        "numExecutors": 2,
        "description": None,
        "jobs": [_nested_item(state, item, url, depth) for item in state.items.values()],
        "overallLoad": {},
        "primaryView": {"_class": _ALL_VIEW, "name": "all", "url": url},
        "quietDownReason": None,
        "quietingDown": False,
        "slaveAgentPort": -1,
        "unlabeledLoad": {"_class": "jenkins.model.UnlabeledLoadStatistics"},
        "url": url,
        "useCrumbs": use_crumbs,
        "useSecurity": use_security,
        "views": [{"_class": _ALL_VIEW, "name": "all", "url": url}],
    }


def item(state: Controller, it: Item, url: str, depth: int) -> dict[str, Any]:
    """A folder (``com.cloudbees.hudson.plugins.folder.Folder``) or a job, in full."""
    own = url + it.url_path()
    common: dict[str, Any] = {
        "_class": it.class_name,
        "actions": [{}],
        "description": it.description,
        "displayName": it.name,
        "displayNameOrNull": None,
        "fullDisplayName": it.full_name.replace("/", " » "),
        "fullName": it.full_name,
        "name": it.name,
        "url": own,
    }
    if it.is_folder:
        return {
            **common,
            "healthReport": [],
            "jobs": [_nested_item(state, child, url, depth) for child in it.children.values()],
            "primaryView": {"_class": _ALL_VIEW, "name": "All", "url": own},
            "views": [{"_class": _ALL_VIEW, "name": "All", "url": own}],
        }
    builds = list(reversed(it.builds))
    queued = next(
        (q for q in state.queue.values() if q.job is it and q.executable is None and not q.cancelled), None
    )

    def last(*results: str) -> dict[str, Any] | None:
        found = next((b for b in builds if not results or b.result in results), None)
        return None if found is None else _nested_build(it, found, url, depth)

    job: dict[str, Any] = {
        **common,
        "buildable": not it.disabled,
        "builds": [_nested_build(it, b, url, depth) for b in builds[:100]],
        "color": color(it),
        "firstBuild": None if not it.builds else _nested_build(it, it.builds[0], url, depth),
        "healthReport": [],
        "inQueue": queued is not None,
        "keepDependencies": False,
        "lastBuild": last(),
        "lastCompletedBuild": last(),
        "lastFailedBuild": last("FAILURE"),
        "lastStableBuild": last("SUCCESS"),
        "lastSuccessfulBuild": last("SUCCESS", "UNSTABLE"),
        "lastUnstableBuild": last("UNSTABLE"),
        "lastUnsuccessfulBuild": last("FAILURE", "UNSTABLE", "ABORTED"),
        "nextBuildNumber": it.next_build_number,
        "property": _parameters_property(it),
        "queueItem": None
        if queued is None
        else {"_class": "hudson.model.Queue$WaitingItem", "id": queued.id},
        "concurrentBuild": False,
        "disabled": it.disabled,
    }
    if it.class_name == "hudson.model.FreeStyleProject":
        job.update(
            downstreamProjects=[],
            labelExpression=it.root.findtext("assignedNode"),
            scm={"_class": "hudson.scm.NullSCM"},
            upstreamProjects=[],
        )
    return job


def color(it: Item) -> str:
    """The ball colour: ``disabled``, ``notbuilt``, or the last build's result colour."""
    if it.disabled:
        return "disabled"
    return _COLORS.get(it.builds[-1].result, "notbuilt") if it.builds else "notbuilt"


def _nested_item(state: Controller, it: Item, url: str, depth: int) -> dict[str, Any]:
    if depth > 0:
        return item(state, it, url, depth - 1)
    summary: dict[str, Any] = {"_class": it.class_name, "name": it.name, "url": url + it.url_path()}
    if not it.is_folder:
        summary["color"] = color(it)
    return summary


def _parameters_property(it: Item) -> list[dict[str, Any]]:
    params = parameters(it.root)
    if not params:
        return []
    definitions = [
        {
            "_class": "hudson.model.StringParameterDefinition",
            "defaultParameterValue": {"_class": "hudson.model.StringParameterValue", "name": n, "value": v},
            "name": n,
            "type": "StringParameterDefinition",
        }
        for n, v in params
    ]
    return [{"_class": "hudson.model.ParametersDefinitionProperty", "parameterDefinitions": definitions}]


def build(it: Item, b: Build, url: str) -> dict[str, Any]:
    """A finished build (``job/NAME/N/api/json``)."""
    actions: list[dict[str, Any]] = []
    if b.parameters:
        values = [
            {"_class": "hudson.model.StringParameterValue", "name": n, "value": v} for n, v in b.parameters
        ]
        actions.append({"_class": "hudson.model.ParametersAction", "parameters": values})
    actions.append({"_class": "hudson.model.CauseAction", "causes": [_cause()]})
    return {
        "_class": _BUILD_CLASSES.get(it.class_name, "hudson.model.FreeStyleBuild"),
        "actions": actions,
        "artifacts": [],
        "building": False,
        "description": None,
        "displayName": f"#{b.number}",
        "duration": 0,
        "estimatedDuration": 0,
        "executor": None,
        "fullDisplayName": f"{it.full_name.replace('/', ' » ')} #{b.number}",
        "id": str(b.number),
        "keepLog": False,
        "number": b.number,
        "queueId": b.queue_id,
        "result": b.result,
        "timestamp": b.timestamp,
        "url": f"{url}{it.url_path()}{b.number}/",
        "builtOn": "",
    }


def _nested_build(it: Item, b: Build, url: str, depth: int) -> dict[str, Any]:
    if depth > 0:
        return build(it, b, url)
    return {
        "_class": _BUILD_CLASSES.get(it.class_name, "hudson.model.FreeStyleBuild"),
        "number": b.number,
        "url": f"{url}{it.url_path()}{b.number}/",
    }


def _cause() -> dict[str, Any]:
    return {"_class": "hudson.model.Cause$UserIdCause", "shortDescription": "Started by remote API"}


def queue_item(state: Controller, q: QueueItem, url: str) -> dict[str, Any]:
    """``Queue$WaitingItem`` while waiting; ``Queue$LeftItem`` once started or cancelled."""
    actions: list[dict[str, Any]] = []
    if q.parameters:
        values = [
            {"_class": "hudson.model.StringParameterValue", "name": n, "value": v} for n, v in q.parameters
        ]
        actions.append({"_class": "hudson.model.ParametersAction", "parameters": values})
    actions.append({"_class": "hudson.model.CauseAction", "causes": [_cause()]})
    left = q.executable is not None or q.cancelled
    data: dict[str, Any] = {
        "_class": "hudson.model.Queue$LeftItem" if left else "hudson.model.Queue$WaitingItem",
        "actions": actions,
        "blocked": False,
        "buildable": False,
        "id": q.id,
        "inQueueSince": q.in_queue_since,
        "params": "".join(f"\n{n}={v}" for n, v in q.parameters),
        "stuck": False,
        "task": _nested_item(state, q.job, url, 0),
        "url": f"queue/item/{q.id}/",
        "why": None if left else "In the quiet period. Expires in 5 sec",
    }
    if left:
        data["cancelled"] = q.cancelled
        b = q.executable
        data["executable"] = None if b is None else _nested_build(q.job, b, url, 0)
    else:
        data["timestamp"] = q.in_queue_since + 5000
    return data


def queue(state: Controller, url: str) -> dict[str, Any]:
    """``hudson.model.Queue``: the items still waiting."""
    waiting = [q for q in state.queue.values() if q.executable is None and not q.cancelled]
    return {
        "_class": "hudson.model.Queue",
        "discoverableItems": [],
        "items": [queue_item(state, q, url) for q in waiting],
    }


def computer(node: Node | None) -> dict[str, Any]:
    """A computer: the built-in node (None) or a permanent agent's ``SlaveComputer``."""
    if node is None:
        return _computer(
            "hudson.model.Hudson$MasterComputer", BUILT_IN_NODE, _BUILT_IN, ["built-in"], 2, False
        )
    labels = [*node.labels, node.name]
    cls = "hudson.slaves.SlaveComputer"
    data = _computer(cls, node.name, node.description, labels, node.executors, node.offline)
    data["temporarilyOffline"] = node.temporarily_offline
    if node.temporarily_offline:
        reason = node.offline_message
        text = f"Disconnected by {node.offline_by}" + (f" : {reason}" if reason else "")
        data["offlineCause"] = {"_class": "hudson.slaves.OfflineCause$UserCause", "description": text}
        data["offlineCauseReason"] = reason
    data["absoluteRemotePath"] = None if node.offline else node.root.findtext("remoteFS")
    return data


def _computer(
    cls: str, name: str, description: str, labels: list[str], executors: int, offline: bool
) -> dict[str, Any]:
    icon = "symbol-computer-offline" if offline else "symbol-computer"
    return {
        "_class": cls,
        "actions": [],
        "assignedLabels": [{"name": label} for label in dict.fromkeys(labels)],
        "description": description,
        "displayName": name,
        "executors": [{} for _ in range(executors)],
        "icon": icon,
        "iconClassName": icon,
        "idle": True,
        "jnlpAgent": False,
        "launchSupported": True,
        "loadStatistics": {"_class": "hudson.model.Label$1"},
        "manualLaunchAllowed": True,
        "monitorData": {},
        "numExecutors": executors,
        "offline": offline,
        "offlineCause": None,
        "offlineCauseReason": "",
        "oneOffExecutors": [],
        "temporarilyOffline": False,
    }


def computer_set(state: Controller) -> dict[str, Any]:
    """``hudson.model.ComputerSet`` (``computer/api/json``): the built-in node first."""
    computers = [computer(None), *(computer(node) for node in state.nodes.values())]
    online = sum(c["numExecutors"] for c in computers if not c["offline"])
    return {
        "_class": "hudson.model.ComputerSet",
        "busyExecutors": 0,
        "computer": computers,
        "displayName": "Nodes",
        "totalExecutors": online,
    }


def credential(c: Credential) -> dict[str, Any]:
    """``CredentialsStoreAction$CredentialsWrapper``: what a credential shows (never a secret)."""
    store = c.store or "system"
    return {
        "_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$CredentialsWrapper",
        "description": c.description,
        "displayName": c.description or c.id,
        "fingerprint": None,
        "fullName": f"{store}/{c.domain}/{c.id}",
        "id": c.id,
        "typeName": CREDENTIAL_TYPES.get(c.class_name, c.class_name),
    }


def domain(state: Controller, store: str, name: str) -> dict[str, Any]:
    """``CredentialsStoreAction$DomainWrapper``: a domain and its credentials."""
    return {
        "_class": "com.cloudbees.plugins.credentials.CredentialsStoreAction$DomainWrapper",
        "credentials": [credential(c) for c in state.credentials_in(store, name)],
        "description": None,
        "displayName": "Global credentials (unrestricted)" if name == "_" else name,
        "fullName": f"{store or 'system'}/{name}",
        "global": name == "_",
        "urlName": name,
    }


def user(name: str, url: str) -> dict[str, Any]:
    """``hudson.model.User`` (``me/api/json``)."""
    return {
        "_class": "hudson.model.User",
        "absoluteUrl": f"{url}user/{name}",
        "description": None,
        "fullName": name,
        "id": name,
        "property": [],
    }


def who_am_i(name: str, anonymous: bool) -> dict[str, Any]:
    """``hudson.security.WhoAmI`` (``whoAmI/api/json``)."""
    return {
        "_class": "hudson.security.WhoAmI",
        "anonymous": anonymous,
        "authenticated": True,
        "authorities": ["anonymous"] if anonymous else ["authenticated"],
        "name": name,
    }
