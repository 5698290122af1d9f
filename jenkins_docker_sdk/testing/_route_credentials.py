"""The credentials plugin's stores: the system store and the folders' stores, their domains."""

from __future__ import annotations

import attrs

from jenkins_docker_sdk.testing import _export, _xml
from jenkins_docker_sdk.testing._call import Call, api
from jenkins_docker_sdk.testing._errors import failure, not_found, status
from jenkins_docker_sdk.testing._http import Response, html_page, quote_segment, redirect, xml_response
from jenkins_docker_sdk.testing._security import Security
from jenkins_docker_sdk.testing._state import Controller


@attrs.define(kw_only=True)
class CredentialRoutes:
    """``credentials/store/system/...`` and ``job/F/credentials/store/folder/...``."""

    state: Controller
    security: Security

    def route(self, call: Call, store: str, rest: list[str]) -> Response:
        # credentials plugin: CredentialsStoreAction (system store at /credentials/store/system,
        # a folder's at /job/F/credentials/store/folder), domain/_ and its DomainWrapper.
        if len(rest) < 2 or rest[0] != "domain" or (store, rest[1]) not in self._domains(store):
            raise not_found()
        domain, action = rest[1], rest[2:]
        if action == []:
            return html_page(f"Credentials of {store or 'Jenkins'} [Jenkins]")
        if action == ["api", "json"]:
            self.security.check(call.user, "Credentials/View")
            return api(call, _export.domain(self.state, store, domain), action)
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

    def _create_credential(self, call: Call, store: str, domain: str) -> Response:
        # DomainWrapper.doCreateCredentials: @RequirePOST, Credentials/Create; an XML body is
        # added (200), or 409 when the id is taken; no Content-Type is a Failure.
        call.post_only()
        self.security.check(call.user, "Credentials/Create")
        if call.request.content_type is None:
            raise failure("No Content-Type header set")
        if not call.request.is_xml():
            raise failure("This page expects a form submission")
        if not self.state.add_credential(store, domain, call.request.text):
            raise status(409, "Conflict")
        return Response(200)

    def _credential_action(self, call: Call, key: tuple[str, str, str], action: list[str]) -> Response:
        credential = self.state.credentials[key]
        method = call.request.method
        if action == ["api", "json"]:
            # CredentialsWrapper's api/json: id, description, typeName; never the secret.
            self.security.check(call.user, "Credentials/View")
            return api(call, _export.credential(credential), action)
        if action == ["config.xml"]:
            # CredentialsWrapper.doConfigDotXml: GET shows secrets as <secret-redacted/>; POST
            # updates (Credentials/Update); DELETE removes (Credentials/Delete).
            if method == "GET":
                self.security.check(call.user, "Credentials/View")
                return xml_response(_xml.redacted(credential.config_xml))
            if method == "POST":
                self.security.check(call.user, "Credentials/Update")
                del self.state.credentials[key]
                if not self.state.add_credential(key[0], key[1], call.request.text):
                    self.state.credentials[key] = credential  # the new id is taken: nothing changes
                    raise status(409, "Conflict")
                return Response(200)
            if method == "DELETE":
                self.security.check(call.user, "Credentials/Delete")
                del self.state.credentials[key]
                return Response(200)
            raise status(400, "Bad Request")
        if action == ["doDelete"]:
            # CredentialsWrapper.doDoDelete: @RequirePOST, then a redirect to the domain.
            call.post_only()
            self.security.check(call.user, "Credentials/Delete")
            del self.state.credentials[key]
            folder = self.state.find(key[0]) if key[0] else None
            store = f"{folder.url_path()}credentials/store/folder" if folder else "credentials/store/system"
            return redirect(f"{call.root}{store}/domain/{quote_segment(key[1])}/")
        raise not_found()
