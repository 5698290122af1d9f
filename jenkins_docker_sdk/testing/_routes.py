"""HTTP routing: each Jenkins URL python-jenkins uses, answered from the controller model.

Every handler names, in its comment, the Jenkins (or credentials plugin) endpoint whose
behaviour it follows. Filters run first, in Jenkins' order: authentication (401 for a bad
basic header), then the CSRF crumb (403), then Overall/Read (403) before any URL but
``whoAmI``.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import attrs

from jenkins_docker_sdk.errors import HttpFailure
from jenkins_docker_sdk.testing import _export, _xml
from jenkins_docker_sdk.testing._errors import failure, not_found, requires_post, status
from jenkins_docker_sdk.testing._http import (
    Request,
    Response,
    html_page,
    json_response,
    quote_segment,
    redirect,
    text_response,
    xml_response,
)
from jenkins_docker_sdk.testing._security import ANONYMOUS, CRUMB_FIELD, Security
from jenkins_docker_sdk.testing._state import Controller, Item, Node
from jenkins_docker_sdk.testing._tree import parse_tree, prune

_BUILT_IN_URL_NAMES = frozenset({"(built-in)", "(master)"})
_NODE_TYPES = frozenset({"hudson.slaves.DumbSlave$DescriptorImpl", "hudson.slaves.DumbSlave"})


@attrs.frozen
class _Call:
    """A request being answered, and the user it acts as."""

    request: Request
    user: str

    @property
    def root(self) -> str:
        return self.request.root_url

    def post_only(self) -> None:
        """``@RequirePOST``: anything else gets 405."""
        if self.request.method != "POST":
            raise requires_post()


@attrs.define(kw_only=True)
class Router:
    """Answers requests from a :class:`Controller`; one request at a time."""

    state: Controller
    security: Security
    version: str
    lock: threading.RLock = attrs.field(factory=threading.RLock)

    def handle(self, request: Request) -> Response:
        """The response Jenkins would give, with the headers every Jenkins response carries."""
        with self.lock:
            try:
                user, api_token = self.security.authenticate(request)
                self.security.check_crumb(request, user, api_token)
                response = self._dispatch(_Call(request, user))
            except HttpFailure as exc:
                response = exc.response
        # Functions.advertiseHeaders / Api: the version headers python-jenkins' get_version reads.
        return response.with_headers(
            ("X-Jenkins", self.version),
            ("X-Hudson", "1.395"),
            ("X-Jenkins-Session", "0badc0de"),
            ("X-Test-Double", "MockJenkins (jenkins-docker-sdk testing kit)"),
        )

    def _check(self, call: _Call, permission: str) -> None:
        self.security.check(call.user, permission)

    def _dispatch(self, call: _Call) -> Response:
        segments = call.request.segments
        if segments[:1] == ["whoAmI"]:
            # hudson.security.WhoAmI: an UnprotectedRootAction, readable without Overall/Read.
            return self._api(call, _export.who_am_i(call.user, call.user == ANONYMOUS), segments[1:])
        # Jenkins.getTarget: every other URL needs Overall/Read.
        self._check(call, "Overall/Read")
        head, rest = (segments[0], segments[1:]) if segments else ("", [])
        if not segments:
            # Jenkins' dashboard: python-jenkins' get_version reads X-Jenkins from it.
            return html_page("Dashboard [Jenkins]", f"{len(self.state.items)} top-level items")
        if segments == ["api", "json"]:
            return self._root_api(call)
        if head == "crumbIssuer":
            return self._crumb(call, rest)
        if head == "me":
            return self._me(call, rest)
        if segments == ["createItem"]:
            return self._create_item(call, None)
        if head == "job":
            return self._item_route(call, segments)
        if head == "computer":
            return self._computer_route(call, rest)
        if head == "queue":
            return self._queue_route(call, rest)
        if segments == ["scriptText"]:
            return self._script(call, None)
        if head == "credentials" and rest[:2] == ["store", "system"]:
            return self._credentials_route(call, "", rest[2:])
        if segments == ["pluginManager", "api", "json"]:
            # hudson.PluginManager's api: no plugins are installed in a test double.
            return self._api(call, {"_class": "hudson.LocalPluginManager", "plugins": []}, ["api", "json"])
        raise not_found()

    # -- the remote API --------------------------------------------------------------------

    def _api(self, call: _Call, data: dict[str, Any], rest: list[str]) -> Response:
        """``hudson.model.Api.doJson``: the object, pruned by ``tree`` when one is given."""
        if rest != ["api", "json"]:
            raise not_found()
        tree = call.request.param("tree")
        if tree is not None:
            data = prune(data, parse_tree(tree))
        return json_response(json.dumps(data))

    def _depth(self, call: _Call) -> int:
        """``depth``, or as deep as ``tree`` reaches (a tree overrides the depth)."""
        tree = call.request.param("tree")
        if tree is not None:
            return parse_tree(tree).depth
        text = call.request.param("depth") or "0"
        return int(text) if text.isdigit() else 0

    def _root_api(self, call: _Call) -> Response:
        # hudson.model.Hudson's api/json: jobs, views, useCrumbs, useSecurity.
        data = _export.root(
            self.state,
            call.root,
            self._depth(call),
            use_crumbs=self.security.crumbs,
            use_security=True,  # Jenkins.isUseSecurity: there is always a security realm here
        )
        return self._api(call, data, ["api", "json"])

    def _crumb(self, call: _Call, rest: list[str]) -> Response:
        # hudson.security.csrf.DefaultCrumbIssuer: 404 when CSRF protection is off.
        if not self.security.crumbs:
            raise not_found()
        data = {
            "_class": "hudson.security.csrf.DefaultCrumbIssuer",
            "crumb": self.security.crumb_for(call.user),
            "crumbRequestField": CRUMB_FIELD,
        }
        return self._api(call, data, rest)

    def _me(self, call: _Call, rest: list[str]) -> Response:
        # Jenkins.getMe: "/me is not available when not logged in" -> the login entry point (403).
        if call.user == ANONYMOUS:
            raise HttpFailure(html_page("Authentication required", "Authentication required", 403))
        return self._api(call, _export.user(call.user, call.root), rest)

    # -- items ------------------------------------------------------------------------------

    def _item_route(self, call: _Call, segments: list[str]) -> Response:
        # Stapler's /job/NAME[/job/NAME...] traversal of ItemGroups (folders); 404 on a miss.
        parent: Item | None = None
        index = 0
        while index + 1 < len(segments) and segments[index] == "job":
            found = self.state.children_of(parent).get(segments[index + 1])
            if found is None:
                raise not_found()
            self._check(call, "Job/Read")
            parent, index = found, index + 2
        if parent is None:
            raise not_found()
        return self._item_action(call, parent, segments[index:])

    def _item_action(self, call: _Call, item: Item, rest: list[str]) -> Response:
        if rest in ([], ["configure"]):
            # The item's page and its configure page: where Jenkins redirects after writes.
            return html_page(f"{item.full_name} [Jenkins]", item.description or "")
        if rest == ["api", "json"]:
            # Job / Folder api/json (AbstractItem and its subclasses' exported beans).
            return self._api(call, _export.item(self.state, item, call.root, self._depth(call)), rest)
        if rest == ["config.xml"]:
            return self._item_config(call, item)
        if rest == ["doDelete"]:
            # AbstractItem.doDoDelete: @RequirePOST, Job/Delete, then a redirect to the parent.
            call.post_only()
            self._check(call, "Job/Delete")
            self.state.delete_item(item)
            return redirect(call.root + (item.parent.url_path() if item.parent else ""))
        if item.is_folder:
            if rest == ["createItem"]:
                return self._create_item(call, item)
            if rest[:3] == ["credentials", "store", "folder"]:
                return self._credentials_route(call, item.full_name, rest[3:])
            raise not_found()
        if rest in (["enable"], ["disable"]):
            # ParameterizedJob.doEnable / doDisable: @RequirePOST, Job/Configure, <disabled> saved.
            call.post_only()
            self._check(call, "Job/Configure")
            item.set_config(_xml.with_disabled(item.config_xml, rest == ["disable"]))
            return redirect(call.root + item.url_path())
        if rest in (["build"], ["buildWithParameters"]):
            return self._build(call, item, parameterized=rest == ["buildWithParameters"])
        if len(rest) >= 2 and rest[0].isdigit():
            return self._build_route(call, item, int(rest[0]), rest[1:])
        raise not_found()

    def _item_config(self, call: _Call, item: Item) -> Response:
        # AbstractItem.doConfigDotXml: GET needs ExtendedRead, POST is updateByXml (Job/Configure);
        # XML that does not parse or changes the item's type is a 500; other methods a 400.
        method = call.request.method
        if method == "GET":
            self._check(call, "Job/ExtendedRead")
            return xml_response(item.config_xml)
        if method == "POST":
            self._check(call, "Job/Configure")
            item.set_config(call.request.text)
            return Response(200)
        raise status(400, "Bad Request")

    def _create_item(self, call: _Call, parent: Item | None) -> Response:
        # ItemGroupMixIn.createTopLevelItem: XML body -> 200; form with mode -> 302 to configure;
        # mode=copy&from=NAME copies; a taken or bad name is a Failure (400 with X-Error).
        call.post_only()
        self._check(call, "Job/Create")
        request = call.request
        mode = request.param("mode")
        if request.content_type is None and mode != "copy":
            raise failure("No Content-Type header set")
        name = request.param("name")
        if name is None:
            raise failure("Query parameter 'name' is required")
        if mode == "copy":
            source_name = request.param("from") or ""
            source = self.state.find(f"{parent.full_name}/{source_name}" if parent else source_name)
            source = source or self.state.find(source_name)
            if source is None:
                raise failure(
                    "Specify which job to copy" if not source_name else f"No such job: {source_name}"
                )
            item = self.state.create_item(parent, name, source.config_xml)
            return redirect(call.root + item.url_path() + "configure")
        if request.is_xml():
            self.state.create_item(parent, name, request.text)
            return Response(200)
        if mode is None:
            raise failure("No mode given")
        if mode not in _xml.ITEM_MODES:
            raise failure(f"No item type ‘{mode}’ is known")
        item = self.state.create_item(parent, name, _xml.new_item_xml(mode))
        return redirect(call.root + item.url_path() + "configure")

    # -- builds and the queue ---------------------------------------------------------------

    def _build(self, call: _Call, job: Item, *, parameterized: bool) -> Response:
        # ParameterizedJobMixIn.doBuild / doBuildWithParameters: 409 when disabled; 201 with the
        # queue item in Location; buildWithParameters on a job without parameters is a 400, and
        # the same parameters already waiting answer 303 with that item.
        call.post_only()
        self._check(call, "Job/Build")
        if job.disabled:
            raise status(409, f"{job.full_name} is not buildable")
        definitions = _xml.parameters(job.root)
        if parameterized and not definitions:
            raise status(400, f"{job.full_name} is not parameterized")
        if not parameterized and definitions and call.request.param("json") is None:
            raise failure("This page expects a form submission")
        values = tuple((name, call.request.param(name) or default) for name, default in definitions)
        queued, created = self.state.schedule(job, values)
        location = f"{call.root}queue/item/{queued.id}/"
        return redirect(location, 201 if created or not parameterized else 303)

    def _build_route(self, call: _Call, job: Item, number: int, rest: list[str]) -> Response:
        # Run's api/json and consoleText (job/NAME/N/...).
        found = next((b for b in job.builds if b.number == number), None)
        if found is None:
            raise not_found()
        if rest == ["consoleText"]:
            return text_response(
                f"Started by remote API\n[MockJenkins: no build ran]\nFinished: {found.result}\n"
            )
        return self._api(call, _export.build(job, found, call.root), rest)

    def _queue_route(self, call: _Call, rest: list[str]) -> Response:
        if rest == ["api", "json"]:
            # Queue's api/json: the waiting items.
            return self._api(call, _export.queue(self.state, call.root), rest)
        if len(rest) == 4 and rest[0] == "item" and rest[1].isdigit():
            # Queue.getItem(id) api/json: WaitingItem, then LeftItem with the executable.
            queued = self.state.queue.get(int(rest[1]))
            if queued is None:
                raise not_found()
            return self._api(call, _export.queue_item(self.state, queued, call.root), rest[2:])
        if rest == ["cancelItem"]:
            # Queue.doCancelItem: 204 when cancelled, 404 for an id that is not waiting.
            call.post_only()
            text = call.request.param("id") or ""
            queued = self.state.queue.get(int(text)) if text.isdigit() else None
            if queued is None or queued.executable is not None or queued.cancelled:
                raise status(404, f"Provided id ({text}) not found")
            queued.cancelled = True
            return Response(204)
        raise not_found()

    # -- nodes ------------------------------------------------------------------------------

    def _computer_route(self, call: _Call, rest: list[str]) -> Response:
        if rest in ([], ["new"]):
            # ComputerSet's page (/computer/): where node creation and deletion redirect.
            return html_page("Nodes [Jenkins]", ", ".join(["Built-In Node", *self.state.nodes]))
        if rest == ["api", "json"]:
            # ComputerSet's api/json: the built-in node and every agent.
            return self._api(call, _export.computer_set(self.state), rest)
        if rest == ["doCreateItem"]:
            return self._create_node_form(call)
        if rest == ["createItem"]:
            return self._create_node_xml(call)
        name, action = rest[0], rest[1:]
        if name in _BUILT_IN_URL_NAMES:
            return self._built_in_action(call, action)
        return self._node_action(call, self.state.node(name), action)

    def _create_node_form(self, call: _Call) -> Response:
        # ComputerSet.doDoCreateItem: Agent/Create; name and type; the node from the submitted
        # form's "json"; a taken name is a Failure (400); then a redirect to the node list.
        call.post_only()
        self._check(call, "Agent/Create")
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

    def _create_node_xml(self, call: _Call) -> Response:
        # ComputerSet.doCreateItem with an XML body: the node as posted, renamed to ?name= if given.
        call.post_only()
        self._check(call, "Agent/Create")
        if not call.request.is_xml():
            raise failure("No mode given")
        root = _xml.parse(call.request.text, "node")
        name = (call.request.param("name") or root.findtext("name") or "").strip()
        if name in self.state.nodes:
            raise failure(f"Node '{name}' already exists")
        self.state.create_node(name, call.request.text)
        return Response(200)

    def _built_in_action(self, call: _Call, action: list[str]) -> Response:
        # Jenkins.MasterComputer: no config.xml (400), never deletable (missing Agent/Delete).
        if action in ([], ["configure"]):
            return html_page("Built-In Node [Jenkins]")
        if action == ["api", "json"]:
            return self._api(call, _export.computer(None), action)
        if action == ["config.xml"]:
            raise status(400, "Bad Request")
        if action == ["doDelete"]:
            call.post_only()
            self.security.refuse(call.user, "Agent/Delete")
        if action == ["scriptText"]:
            return self._script(call, None)
        raise not_found()

    def _node_action(self, call: _Call, node: Node, action: list[str]) -> Response:
        request = call.request
        if action in ([], ["configure"]):
            # The node's page: where toggleOffline redirects.
            return html_page(f"{node.name} [Jenkins]", node.description)
        if action == ["api", "json"]:
            # Computer's api/json.
            return self._api(call, _export.computer(node), action)
        if action == ["config.xml"]:
            # Computer.doConfigDotXml: GET needs Agent/ExtendedRead; POST is updateByXml.
            if request.method == "GET":
                self._check(call, "Agent/ExtendedRead")
                return xml_response(node.config_xml)
            if request.method == "POST":
                self._check(call, "Agent/Configure")
                node.set_config(request.text)
                return Response(200)
            raise status(400, "Bad Request")
        if action == ["jenkins-agent.jnlp"]:
            # SlaveComputer's jenkins-agent.jnlp (slave-agent.jnlp.jelly): Agent/Connect; only
            # for inbound agents; the secret is the first <argument>, the node name the second.
            self._check(call, "Agent/Connect")
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
                self._check(call, "Agent/Connect")
                node.temporarily_offline, node.offline_message = False, ""
            else:
                self._check(call, "Agent/Disconnect")
                node.temporarily_offline = True
                node.offline_message = (request.param("offlineMessage") or "").strip()
                node.offline_by = call.user
            return redirect(f"{call.root}computer/{quote_segment(node.name)}/")
        if action == ["doDelete"]:
            # Computer.doDoDelete: @RequirePOST, Agent/Delete, then a redirect to the node list.
            call.post_only()
            self._check(call, "Agent/Delete")
            del self.state.nodes[node.name]
            return redirect(call.root + "computer/")
        if action == ["scriptText"]:
            return self._script(call, node)
        raise not_found()

    # -- scripts ----------------------------------------------------------------------------

    def _script(self, call: _Call, node: Node | None) -> Response:
        # Jenkins._doScript (scriptText): Overall/Administer; a script only by POST (405);
        # an offline node is a 404 "Node is offline"; the answer is the script's output.
        self._check(call, "Overall/Administer")
        script = call.request.param("script")
        if script is None:
            return text_response("")
        if call.request.method != "POST":
            raise status(405, "requires POST")
        if node is not None and node.offline:
            raise status(404, "Node is offline")
        return text_response(self.state.run_script(script))

    # -- credentials ------------------------------------------------------------------------

    def _credentials_route(self, call: _Call, store: str, rest: list[str]) -> Response:
        # credentials plugin: CredentialsStoreAction (system store at /credentials/store/system,
        # a folder's at /job/F/credentials/store/folder), domain/_ and its DomainWrapper.
        if len(rest) < 2 or rest[0] != "domain" or (store, rest[1]) not in self._domains(store):
            raise not_found()
        domain, action = rest[1], rest[2:]
        if action == []:
            return html_page(f"Credentials of {store or 'Jenkins'} [Jenkins]")
        if action == ["api", "json"]:
            self._check(call, "Credentials/View")
            return self._api(call, _export.domain(self.state, store, domain), action)
        if action == ["createCredentials"]:
            return self._create_credential(call, store, domain)
        if len(action) >= 2 and action[0] == "credential":
            credential = self.state.credentials.get((store, domain, action[1]))
            if credential is None:
                raise not_found()
            return self._credential_action(call, (store, domain, action[1]), action[2:])
        raise not_found()

    def _domains(self, store: str) -> set[tuple[str, str]]:
        return self.state.domains | {(store, "_")}

    def _create_credential(self, call: _Call, store: str, domain: str) -> Response:
        # DomainWrapper.doCreateCredentials: @RequirePOST, Credentials/Create; an XML body is
        # added (200), or 409 when the id is taken; no Content-Type is a Failure.
        call.post_only()
        self._check(call, "Credentials/Create")
        if call.request.content_type is None:
            raise failure("No Content-Type header set")
        if not call.request.is_xml():
            raise failure("This page expects a form submission")
        if not self.state.add_credential(store, domain, call.request.text):
            raise status(409, "Conflict")
        return Response(200)

    def _credential_action(self, call: _Call, key: tuple[str, str, str], action: list[str]) -> Response:
        credential = self.state.credentials[key]
        method = call.request.method
        if action == ["api", "json"]:
            # CredentialsWrapper's api/json: id, description, typeName; never the secret.
            self._check(call, "Credentials/View")
            return self._api(call, _export.credential(credential), action)
        if action == ["config.xml"]:
            # CredentialsWrapper.doConfigDotXml: GET shows secrets as <secret-redacted/>; POST
            # updates (Credentials/Update); DELETE removes (Credentials/Delete).
            if method == "GET":
                self._check(call, "Credentials/View")
                return xml_response(_xml.redacted(credential.config_xml))
            if method == "POST":
                self._check(call, "Credentials/Update")
                del self.state.credentials[key]
                if not self.state.add_credential(key[0], key[1], call.request.text):
                    self.state.credentials[key] = credential  # the new id is taken: nothing changes
                    raise status(409, "Conflict")
                return Response(200)
            if method == "DELETE":
                self._check(call, "Credentials/Delete")
                del self.state.credentials[key]
                return Response(200)
            raise status(400, "Bad Request")
        if action == ["doDelete"]:
            # CredentialsWrapper.doDoDelete: @RequirePOST, then a redirect to the domain.
            call.post_only()
            self._check(call, "Credentials/Delete")
            del self.state.credentials[key]
            folder = self.state.find(key[0]) if key[0] else None
            store = f"{folder.url_path()}credentials/store/folder" if folder else "credentials/store/system"
            return redirect(f"{call.root}{store}/domain/{quote_segment(key[1])}/")
        raise not_found()
