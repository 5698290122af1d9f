"""Items (jobs and folders through /job/A/job/B), their builds, and the build queue."""

from __future__ import annotations

import attrs

from jenkins_docker_sdk.testing import _export, _xml
from jenkins_docker_sdk.testing._call import Call, api, depth
from jenkins_docker_sdk.testing._errors import failure, not_found, status
from jenkins_docker_sdk.testing._http import Response, html_page, redirect, text_response, xml_response
from jenkins_docker_sdk.testing._route_credentials import CredentialRoutes
from jenkins_docker_sdk.testing._security import Security
from jenkins_docker_sdk.testing._state import Controller, Item


@attrs.define(kw_only=True)
class ItemRoutes:
    """``/job/...``, ``/createItem`` and ``/queue/...``."""

    state: Controller
    security: Security
    credentials: CredentialRoutes

    def route(self, call: Call, segments: list[str]) -> Response:
        # Stapler's /job/NAME[/job/NAME...] traversal of ItemGroups (folders); 404 on a miss.
        parent: Item | None = None
        index = 0
        while index + 1 < len(segments) and segments[index] == "job":
            found = self.state.children_of(parent).get(segments[index + 1])
            if found is None:
                raise not_found()
            self.security.check(call.user, "Job/Read")
            parent, index = found, index + 2
        if parent is None:
            raise not_found()
        return self._item_action(call, parent, segments[index:])

    def _item_action(self, call: Call, item: Item, rest: list[str]) -> Response:
        if rest in ([], ["configure"]):
            # The item's page and its configure page: where Jenkins redirects after writes.
            return html_page(f"{item.full_name} [Jenkins]", item.description or "")
        if rest == ["api", "json"]:
            # Job / Folder api/json (AbstractItem and its subclasses' exported beans).
            return api(call, _export.item(self.state, item, call.root, depth(call)), rest)
        if rest == ["config.xml"]:
            return self._item_config(call, item)
        if rest == ["doDelete"]:
            # AbstractItem.doDoDelete: @RequirePOST, Job/Delete, then a redirect to the parent.
            call.post_only()
            self.security.check(call.user, "Job/Delete")
            self.state.delete_item(item)
            return redirect(call.root + (item.parent.url_path() if item.parent else ""))
        if item.is_folder:
            if rest == ["createItem"]:
                return self.create_item(call, item)
            if rest[:3] == ["credentials", "store", "folder"]:
                return self.credentials.route(call, item.full_name, rest[3:])
            raise not_found()
        if rest in (["enable"], ["disable"]):
            # ParameterizedJob.doEnable / doDisable: @RequirePOST, Job/Configure, <disabled> saved.
            call.post_only()
            self.security.check(call.user, "Job/Configure")
            item.set_config(_xml.with_disabled(item.config_xml, rest == ["disable"]))
            return redirect(call.root + item.url_path())
        if rest in (["build"], ["buildWithParameters"]):
            return self._build(call, item, parameterized=rest == ["buildWithParameters"])
        if len(rest) >= 2 and rest[0].isdigit():
            return self._build_route(call, item, int(rest[0]), rest[1:])
        raise not_found()

    def _item_config(self, call: Call, item: Item) -> Response:
        # AbstractItem.doConfigDotXml: GET needs ExtendedRead, POST is updateByXml (Job/Configure);
        # XML that does not parse or changes the item's type is a 500; other methods a 400.
        method = call.request.method
        if method == "GET":
            self.security.check(call.user, "Job/ExtendedRead")
            return xml_response(item.config_xml)
        if method == "POST":
            self.security.check(call.user, "Job/Configure")
            item.set_config(call.request.text)
            return Response(200)
        raise status(400, "Bad Request")

    def create_item(self, call: Call, parent: Item | None) -> Response:
        # ItemGroupMixIn.createTopLevelItem: XML body -> 200; form with mode -> 302 to configure;
        # mode=copy&from=NAME copies; a taken or bad name is a Failure (400 with X-Error).
        call.post_only()
        self.security.check(call.user, "Job/Create")
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

    def _build(self, call: Call, job: Item, *, parameterized: bool) -> Response:
        # ParameterizedJobMixIn.doBuild / doBuildWithParameters: 409 when disabled; 201 with the
        # queue item in Location; buildWithParameters on a job without parameters is a 400, and
        # the same parameters already waiting answer 303 with that item.
        call.post_only()
        self.security.check(call.user, "Job/Build")
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

    def _build_route(self, call: Call, job: Item, number: int, rest: list[str]) -> Response:
        # Run's api/json and consoleText (job/NAME/N/...).
        found = next((b for b in job.builds if b.number == number), None)
        if found is None:
            raise not_found()
        if rest == ["consoleText"]:
            return text_response(
                f"Started by remote API\n[MockJenkins: no build ran]\nFinished: {found.result}\n"
            )
        return api(call, _export.build(job, found, call.root), rest)

    def queue_route(self, call: Call, rest: list[str]) -> Response:
        if rest == ["api", "json"]:
            # Queue's api/json: the waiting items.
            return api(call, _export.queue(self.state, call.root), rest)
        if len(rest) == 4 and rest[0] == "item" and rest[1].isdigit():
            # Queue.getItem(id) api/json: WaitingItem, then LeftItem with the executable.
            queued = self.state.queue.get(int(rest[1]))
            if queued is None:
                raise not_found()
            return api(call, _export.queue_item(self.state, queued, call.root), rest[2:])
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
