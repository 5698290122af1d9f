"""Nodes: the computer set (``/computer/``), agents by form or XML, the built-in node."""

from __future__ import annotations

import json

import attrs

from jenkins_docker_sdk.testing import _export, _xml
from jenkins_docker_sdk.testing._call import Call, api, run_script
from jenkins_docker_sdk.testing._errors import failure, not_found, status
from jenkins_docker_sdk.testing._http import Response, html_page, quote_segment, redirect, xml_response
from jenkins_docker_sdk.testing._security import Security
from jenkins_docker_sdk.testing._state import Controller, Node

_BUILT_IN_URL_NAMES = frozenset({"(built-in)", "(master)"})
_NODE_TYPES = frozenset({"hudson.slaves.DumbSlave$DescriptorImpl", "hudson.slaves.DumbSlave"})


@attrs.define(kw_only=True)
class NodeRoutes:
    """``/computer/...``."""

    state: Controller
    security: Security

    def route(self, call: Call, rest: list[str]) -> Response:
        if rest in ([], ["new"]):
            # ComputerSet's page (/computer/): where node creation and deletion redirect.
            return html_page("Nodes [Jenkins]", ", ".join(["Built-In Node", *self.state.nodes]))
        if rest == ["api", "json"]:
            # ComputerSet's api/json: the built-in node and every agent.
            return api(call, _export.computer_set(self.state), rest)
        if rest == ["doCreateItem"]:
            return self._create_node_form(call)
        if rest == ["createItem"]:
            return self._create_node_xml(call)
        name, action = rest[0], rest[1:]
        if name in _BUILT_IN_URL_NAMES:
            return self._built_in_action(call, action)
        return self._node_action(call, self.state.node(name), action)

    def _create_node_form(self, call: Call) -> Response:
        # ComputerSet.doDoCreateItem: Agent/Create; name and type; the node from the submitted
        # form's "json"; a taken name is a Failure (400); then a redirect to the node list.
        call.post_only()
        self.security.check(call.user, "Agent/Create")
        request = call.request
        name = self.state.check_node_name(request.param("name"))
        node_type = request.param("type")
        form = request.param("json")
        if form is None:
            raise failure("This page expects a form submission")
        if node_type not in _NODE_TYPES:
            raise status(500, f"java.lang.NullPointerException: no node type {node_type}")
        fields = json.loads(form)
        launcher = fields.get("launcher") or {}
        config = _xml.node_xml(
            name,
            str(fields.get("labelString") or ""),
            str(fields.get("mode") or "NORMAL"),
            executors=int(fields.get("numExecutors") or 1),
            remote_fs=str(fields.get("remoteFS") or ""),
            description=str(fields.get("nodeDescription") or ""),
            launcher=str(launcher.get("stapler-class") or "hudson.slaves.JNLPLauncher"),
            launcher_fields={k: str(v) for k, v in launcher.items() if k not in ("stapler-class", "$class")},
        )
        self.state.create_node(name, config)
        return redirect(call.root + "computer/")

    def _create_node_xml(self, call: Call) -> Response:
        # ComputerSet.doCreateItem with an XML body: the node as posted, renamed to ?name= if given.
        call.post_only()
        self.security.check(call.user, "Agent/Create")
        if not call.request.is_xml():
            raise failure("No mode given")
        root = _xml.parse(call.request.text, "node")
        name = (call.request.param("name") or root.findtext("name") or "").strip()
        if name in self.state.nodes:
            raise failure(f"Node '{name}' already exists")
        self.state.create_node(name, call.request.text)
        return Response(200)

    def _built_in_action(self, call: Call, action: list[str]) -> Response:
        # Jenkins.MasterComputer: no config.xml (400), never deletable (missing Agent/Delete).
        if action in ([], ["configure"]):
            return html_page("Built-In Node [Jenkins]")
        if action == ["api", "json"]:
            return api(call, _export.computer(None), action)
        if action == ["config.xml"]:
            raise status(400, "Bad Request")
        if action == ["doDelete"]:
            call.post_only()
            self.security.refuse(call.user, "Agent/Delete")
        if action == ["scriptText"]:
            return run_script(call, self.state, self.security, None)
        raise not_found()

    def _node_action(self, call: Call, node: Node, action: list[str]) -> Response:
        request = call.request
        if action in ([], ["configure"]):
            # The node's page: where toggleOffline redirects.
            return html_page(f"{node.name} [Jenkins]", node.description)
        if action == ["api", "json"]:
            # Computer's api/json.
            return api(call, _export.computer(node), action)
        if action == ["config.xml"]:
            # Computer.doConfigDotXml: GET needs Agent/ExtendedRead; POST is updateByXml.
            if request.method == "GET":
                self.security.check(call.user, "Agent/ExtendedRead")
                return xml_response(node.config_xml)
            if request.method == "POST":
                self.security.check(call.user, "Agent/Configure")
                node.set_config(request.text)
                return Response(200)
            raise status(400, "Bad Request")
        if action == ["jenkins-agent.jnlp"]:
            # SlaveComputer's jenkins-agent.jnlp (slave-agent.jnlp.jelly): Agent/Connect; only
            # for inbound agents; the secret is the first <argument>, the node name the second.
            self.security.check(call.user, "Agent/Connect")
            if node.launcher != "hudson.slaves.JNLPLauncher":
                raise not_found()
            return Response(
                200,
                _xml.agent_jnlp(call.root, node.name, self.state.agent_secret(node.name)).encode("utf-8"),
                (("Content-Type", "application/x-java-jnlp-file"),),
            )
        if action == ["toggleOffline"]:
            # Computer.doToggleOffline: @RequirePOST; back online needs Agent/Connect, taking it
            # offline Agent/Disconnect with ?offlineMessage=; then a redirect to the node.
            call.post_only()
            if node.temporarily_offline:
                self.security.check(call.user, "Agent/Connect")
                node.temporarily_offline, node.offline_message = False, ""
            else:
                self.security.check(call.user, "Agent/Disconnect")
                node.temporarily_offline = True
                node.offline_message = (request.param("offlineMessage") or "").strip()
                node.offline_by = call.user
            return redirect(f"{call.root}computer/{quote_segment(node.name)}/")
        if action == ["doDelete"]:
            # Computer.doDoDelete: @RequirePOST, Agent/Delete, then a redirect to the node list.
            call.post_only()
            self.security.check(call.user, "Agent/Delete")
            del self.state.nodes[node.name]
            return redirect(call.root + "computer/")
        if action == ["scriptText"]:
            return run_script(call, self.state, self.security, node)
        raise not_found()
