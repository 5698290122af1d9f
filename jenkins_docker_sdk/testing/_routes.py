"""HTTP routing: each Jenkins URL python-jenkins uses, answered from the controller model.

Every handler names, in its comment, the Jenkins (or credentials plugin) endpoint whose
behaviour it follows. Filters run first, in Jenkins' order: authentication (401 for a bad
basic header), then the CSRF crumb (403), then Overall/Read (403) before any URL but
``whoAmI``. The router answers the root's own URLs and hands the rest to the routes of
items, builds and the queue (:mod:`._route_items`), nodes (:mod:`._route_nodes`) and
credentials stores (:mod:`._route_credentials`).
"""

from __future__ import annotations

import threading

import attrs

from jenkins_docker_sdk.errors import HttpFailure
from jenkins_docker_sdk.testing import _export
from jenkins_docker_sdk.testing._call import Call, api, depth, run_script
from jenkins_docker_sdk.testing._errors import not_found
from jenkins_docker_sdk.testing._http import Request, Response, html_page
from jenkins_docker_sdk.testing._route_credentials import CredentialRoutes
from jenkins_docker_sdk.testing._route_items import ItemRoutes
from jenkins_docker_sdk.testing._route_nodes import NodeRoutes
from jenkins_docker_sdk.testing._security import ANONYMOUS, CRUMB_FIELD, Security
from jenkins_docker_sdk.testing._state import Controller


@attrs.define(kw_only=True)
class Router:
    """Answers requests from a :class:`Controller`; one request at a time."""

    state: Controller
    security: Security
    version: str
    lock: threading.RLock = attrs.field(factory=threading.RLock)
    _credentials: CredentialRoutes = attrs.field(init=False)
    _items: ItemRoutes = attrs.field(init=False)
    _nodes: NodeRoutes = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self._credentials = CredentialRoutes(state=self.state, security=self.security)
        self._items = ItemRoutes(state=self.state, security=self.security, credentials=self._credentials)
        self._nodes = NodeRoutes(state=self.state, security=self.security)

    def handle(self, request: Request) -> Response:
        """The response Jenkins would give, with the headers every Jenkins response carries."""
        with self.lock:
            try:
                user, api_token = self.security.authenticate(request)
                self.security.check_crumb(request, user, api_token)
                response = self._dispatch(Call(request, user))
            except HttpFailure as exc:
                response = exc.response
        # Functions.advertiseHeaders / Api: the version headers python-jenkins' get_version reads.
        return response.with_headers(
            ("X-Jenkins", self.version),
            ("X-Hudson", "1.395"),
            ("X-Jenkins-Session", "0badc0de"),
            ("X-Test-Double", "MockJenkins (jenkins-docker-sdk testing kit)"),
        )

    def _dispatch(self, call: Call) -> Response:
        segments = call.request.segments
        if segments[:1] == ["whoAmI"]:
            # hudson.security.WhoAmI: an UnprotectedRootAction, readable without Overall/Read.
            return api(call, _export.who_am_i(call.user, call.user == ANONYMOUS), segments[1:])
        # Jenkins.getTarget: every other URL needs Overall/Read.
        self.security.check(call.user, "Overall/Read")
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
            return self._items.create_item(call, None)
        if head == "job":
            return self._items.route(call, segments)
        if head == "computer":
            return self._nodes.route(call, rest)
        if head == "queue":
            return self._items.queue_route(call, rest)
        if segments == ["scriptText"]:
            return run_script(call, self.state, self.security, None)
        if head == "credentials" and rest[:2] == ["store", "system"]:
            return self._credentials.route(call, "", rest[2:])
        if segments == ["pluginManager", "api", "json"]:
            # hudson.PluginManager's api: no plugins are installed in a test double.
            return api(call, {"_class": "hudson.LocalPluginManager", "plugins": []}, ["api", "json"])
        raise not_found()

    # -- the remote API --------------------------------------------------------------------

    def _root_api(self, call: Call) -> Response:
        # hudson.model.Hudson's api/json: jobs, views, useCrumbs, useSecurity.
        data = _export.root(
            self.state,
            call.root,
            depth(call),
            use_crumbs=self.security.crumbs,
            use_security=True,  # Jenkins.isUseSecurity: there is always a security realm here
        )
        return api(call, data, ["api", "json"])

    def _crumb(self, call: Call, rest: list[str]) -> Response:
        # hudson.security.csrf.DefaultCrumbIssuer: 404 when CSRF protection is off.
        if not self.security.crumbs:
            raise not_found()
        data = {
            "_class": "hudson.security.csrf.DefaultCrumbIssuer",
            "crumb": self.security.crumb_for(call.user),
            "crumbRequestField": CRUMB_FIELD,
        }
        return api(call, data, rest)

    def _me(self, call: Call, rest: list[str]) -> Response:
        # Jenkins.getMe: "/me is not available when not logged in" -> the login entry point (403).
        if call.user == ANONYMOUS:
            raise HttpFailure(html_page("Authentication required", "Authentication required", 403))
        return api(call, _export.user(call.user, call.root), rest)
