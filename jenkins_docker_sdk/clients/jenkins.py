"""The Jenkins adapter: typed calls over python-jenkins, the only module that imports it.

:class:`JenkinsClient` holds a python-jenkins ``Jenkins`` (composition, not inheritance)
and adds what syncing thousands of jobs needs: folder paths (``team/job`` is
``/job/team/job/job``), the CSRF crumb fetched once before the first write and fetched
again when the controller rejects it, API-token auth, a timeout on every request, bounded
retries with exponential backoff for requests that are safe to repeat, and every failure
turned into a :class:`~jenkins_docker_sdk.errors.JenkinsError` that names the request, the
status and, for a 403, the missing permission, but never the token
(:mod:`._jenkins_failures`; the URLs are :mod:`._jenkins_paths`').

It implements every Jenkins protocol of :mod:`jenkins_docker_sdk.clients.protocols`.
python-jenkins and requests are imported when the first client is made, not with this module.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlencode

import attrs

from jenkins_docker_sdk.clients._jenkins_failures import (
    Operation,
    crumb_rejected,
    retry_after,
    sdk_error,
)
from jenkins_docker_sdk.clients._jenkins_paths import (
    check_url,
    item_path,
    remote_items,
    store_name,
    store_path,
    tree,
)
from jenkins_docker_sdk.clients._values import RemoteItem, RemoteNode
from jenkins_docker_sdk.clients.configxml import same_config
from jenkins_docker_sdk.clients.retry import RetryPolicy
from jenkins_docker_sdk.errors import (
    InputError,
    JenkinsError,
    JenkinsItemExistsError,
    JenkinsNotFoundError,
)

if TYPE_CHECKING:
    import requests

__all__ = ["DEFAULT_TOKEN_ENV", "JenkinsClient", "RemoteItem", "RemoteNode", "check_url"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
DEFAULT_TOKEN_ENV = "JENKINS_API_TOKEN"
_DUMB_SLAVE = "hudson.slaves.DumbSlave$DescriptorImpl"


@attrs.define(kw_only=True)
class JenkinsClient:
    """A Jenkins controller, through python-jenkins.

    Constructing one sends nothing. Reads carry no crumb; writes fetch it once (under a
    lock, so concurrent writers fetch it once between them). Reads, ``config.xml`` posts,
    ``createItem`` and ``doDelete`` are retried on connection errors and 429/5xx answers;
    scripts never are.

    Attributes:
        url: the controller's URL (``https://jenkins.example.com/``).
        user: the user of the API token; ``None`` for anonymous access.
        token: the API token (never shown by ``repr`` or in errors).
        timeout: seconds to wait for each answer.
        retry: when and how long to wait before sending a failed request again.
        sleep: how to wait (tests pass one that does not).
    """

    url: str = attrs.field(converter=check_url)
    user: str | None = None
    token: str | None = attrs.field(default=None, repr=False)
    timeout: float = 30.0
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)
    _jenkins: Any = attrs.field(init=False, repr=False)
    _crumb_lock: threading.Lock = attrs.field(init=False, repr=False, factory=threading.Lock)

    def __attrs_post_init__(self) -> None:
        if (self.user is None) != (self.token is None):
            raise InputError.at("a Jenkins user and an API token go together: give both or neither")
        import jenkins  # here, not at import: python-jenkins and requests cost ~90 ms to import

        self._jenkins = jenkins.Jenkins(
            self.url, username=self.user, password=self.token, timeout=self.timeout
        )

    @classmethod
    def from_env(
        cls,
        url: str,
        *,
        user: str | None = None,
        token_env: str = DEFAULT_TOKEN_ENV,
        environ: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> JenkinsClient:
        """A client whose API token is read from the environment variable ``token_env``.

        Without ``user`` the client is anonymous and the variable is not read.

        Raises:
            InputError: a bad URL, or ``user`` given and the variable unset or empty.
        """
        token = None
        if user is not None:
            token = (os.environ if environ is None else environ).get(token_env) or None
            if token is None:
                raise InputError.at(
                    f"the API token of Jenkins user {user!r} is not set: environment variable "
                    f"{token_env} is unset or empty",
                    hint=f"export {token_env}=<API token> (create one in Jenkins under your user > Security)",
                )
        return cls(url=url, user=user, token=token, **kwargs)

    # --- the calls ---------------------------------------------------------------------

    def list_items(self, depth: int = 2) -> list[RemoteItem]:
        """Every item down to ``depth`` levels of folders, with its description: one request."""
        url = self._url(f"api/json?tree={tree(depth)}")
        response = self._send(Operation("list the jobs", "Overall/Read"), "GET", url)
        try:
            data = response.json()
        except ValueError:
            raise JenkinsError(f"GET {url}: the answer is not JSON", method="GET", url=url) from None
        entries = data.get("jobs") if isinstance(data, dict) else None
        return list(remote_items(entries if isinstance(entries, list) else [], "", depth))

    def get_config(self, name: str) -> str:
        """The ``config.xml`` of item ``name`` (``team/job``), as the controller keeps it."""
        url = self._url(item_path(name) + "config.xml")
        return self._send(Operation(f"read the configuration of {name}", "Job/ExtendedRead"), "GET", url).text

    def create_item(self, name: str, config_xml: str) -> None:
        """Create item ``name`` (a job or a folder) from ``config_xml``; its folder must exist.

        A create that the controller answers with 400 because the item exists (a retried
        request whose first attempt did arrive, or a concurrent writer) counts as done
        when the existing item says the same as ``config_xml``.

        Raises:
            JenkinsItemExistsError: an item of that name with another configuration exists.
        """
        parent, _, short = name.rpartition("/")
        url = self._url(f"{item_path(parent)}createItem?name={quote(short, safe='')}")
        where = f"in folder {parent}" if parent else "at the top level"
        operation = Operation(f"create {name} {where}", "Job/Create")
        try:
            self._send(
                operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True
            )
        except JenkinsError as error:
            if error.status != 400:
                raise
            try:
                existing = self.get_config(name)
            except JenkinsNotFoundError:
                raise error from None
            if not same_config(existing, config_xml):
                raise JenkinsItemExistsError(
                    f"POST {url}: 400: {name} already exists on the controller with another configuration",
                    method="POST",
                    url=url,
                    status=400,
                ) from error
            log.info("%s already existed with this configuration (an earlier attempt went through)", name)

    def update_config(self, name: str, config_xml: str) -> None:
        """Replace the ``config.xml`` of item ``name`` (one request, atomic on the controller)."""
        url = self._url(item_path(name) + "config.xml")
        operation = Operation(f"configure {name}", "Job/Configure")
        self._send(operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True)

    def delete_item(self, name: str) -> None:
        """Delete item ``name`` (with everything in it, for a folder).

        Raises:
            JenkinsNotFoundError: there is no such item (also when a retried request's
                first attempt deleted it).
        """
        url = self._url(item_path(name) + "doDelete")
        self._send(Operation(f"delete {name}", "Job/Delete"), "POST", url, crumb=True)

    def run_script(self, script: str) -> str:
        """Run a Groovy script on the controller (``scriptText``) and return what it printed.

        Never retried: a script need not be safe to run twice.
        """
        url = self._url("scriptText")
        operation = Operation("run a script on the controller", "Overall/Administer", retry=False)

        def run() -> str:
            self._ensure_crumb()
            return str(self._jenkins.run_script(script))

        return self._attempt(operation, "POST", url, run)

    # --- credentials (issue 7) ---------------------------------------------------------

    def create_credential(self, folder: str, config_xml: str, *, domain: str = "_") -> bool:
        """Add a credential to the system store (``folder=""``) or to ``folder``'s store.

        Returns:
            False when the store already holds a credential with that id (409): nothing changed.
        """
        url = self._url(store_path(folder, domain) + "createCredentials")
        operation = Operation(f"create a credential in {store_name(folder)}", "Credentials/Create")
        try:
            self._send(
                operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True
            )
        except JenkinsError as error:
            if error.status == 409:
                return False
            raise
        return True

    def update_credential(
        self, folder: str, credential_id: str, config_xml: str, *, domain: str = "_"
    ) -> None:
        """Replace credential ``credential_id`` of the system store (``folder=""``) or ``folder``'s."""
        path = store_path(folder, domain) + f"credential/{quote(credential_id, safe='')}/config.xml"
        operation = Operation(
            f"update credential {credential_id} in {store_name(folder)}", "Credentials/Update"
        )
        url = self._url(path)
        self._send(operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True)

    # --- agents (nodes) -------------------------------------------------------------------

    def list_nodes(self) -> list[RemoteNode]:
        """Every agent of the controller (the built-in node left out), in one read."""
        return [
            RemoteNode(str(c["displayName"]), c.get("description") or "", bool(c.get("offline")))
            for c in self._computers("displayName,description,offline")
            if c.get("_class") != "hudson.model.Hudson$MasterComputer"
        ]

    def get_nodes(self) -> list[dict[str, Any]]:
        """Every computer, the built-in node included, as python-jenkins' ``get_nodes`` gives
        them: ``{"name": display name, "offline": bool}``, in the controller's order (one read)."""
        return [
            {"name": str(c["displayName"]), "offline": bool(c.get("offline"))}
            for c in self._computers("displayName,offline")
        ]

    def get_node_config(self, name: str) -> str:
        """The ``config.xml`` of agent ``name`` (``computer/NAME/config.xml``, Agent/ExtendedRead)."""
        url = self._url(f"computer/{quote(name, safe='')}/config.xml")
        operation = Operation(f"read the configuration of agent {name}", "Agent/ExtendedRead")
        return self._send(operation, "GET", url).text

    def _computers(self, fields: str) -> list[dict[str, Any]]:
        """``computer/api/json``'s computers with ``fields`` (those without a display name left out)."""
        url = self._url(f"computer/api/json?tree=computer[{fields}]")
        response = self._send(Operation("list the agents", "Overall/Read"), "GET", url)
        try:
            computers = response.json().get("computer") or []
        except (ValueError, AttributeError):
            raise JenkinsError(f"GET {url}: the answer is not JSON", method="GET", url=url) from None
        return [c for c in computers if isinstance(c, dict) and isinstance(c.get("displayName"), str)]

    def create_node(
        self,
        name: str,
        *,
        description: str,
        labels: str,
        remote_fs: str,
        launcher: Mapping[str, Any],
        exclusive: bool = True,
    ) -> None:
        """Create a permanent agent with one executor (``computer/doCreateItem``, python-jenkins' form).

        ``launcher`` is the launcher's form: ``{"stapler-class": ..., field: value}``. A
        create answered with 400 because the node exists (an earlier attempt whose answer
        was lost) counts as done when the existing node has the same description.

        Raises:
            JenkinsItemExistsError: another node of that name exists.
        """
        form = {
            "name": name,
            "nodeDescription": description,
            "numExecutors": 1,
            "remoteFS": remote_fs,
            "labelString": labels,
            "mode": "EXCLUSIVE" if exclusive else "NORMAL",
            "type": _DUMB_SLAVE,
            "retentionStrategy": {"stapler-class": "hudson.slaves.RetentionStrategy$Always"},
            "nodeProperties": {"stapler-class-bag": "true"},
            "launcher": dict(launcher),
        }
        body = urlencode({"name": name, "type": _DUMB_SLAVE, "json": json.dumps(form)}).encode("utf-8")
        url = self._url("computer/doCreateItem")
        operation = Operation(f"create agent {name}", "Agent/Create")
        try:
            self._send(operation, "POST", url, data=body, headers=_FORM_HEADERS, crumb=True)
        except JenkinsError as error:
            if error.status != 400:
                raise
            same = [node for node in self.list_nodes() if node.name == name]
            if not same:
                raise
            if same[0].description != description:
                raise JenkinsItemExistsError(
                    f"POST {url}: 400: agent {name} exists and is not ours",
                    method="POST",
                    url=url,
                    status=400,
                ) from error
            log.info("agent %s already existed (an earlier attempt went through)", name)

    def delete_node(self, name: str) -> bool:
        """Delete agent ``name``; False when there was none (deleting twice is fine)."""
        url = self._url(f"computer/{quote(name, safe='')}/doDelete")
        try:
            self._send(Operation(f"delete agent {name}", "Agent/Delete"), "POST", url, crumb=True)
        except JenkinsNotFoundError:
            return False
        return True

    def agent_secret(self, name: str) -> str:
        """The secret an inbound (JNLP) agent ``name`` connects with.

        Read from ``computer/NAME/jenkins-agent.jnlp`` (Agent/Connect), whose first
        ``<argument>`` is the secret. Never logged; errors do not carry it.
        """
        url = self._url(f"computer/{quote(name, safe='')}/jenkins-agent.jnlp")
        text = self._send(Operation(f"read the secret of agent {name}", "Agent/Connect"), "GET", url).text
        try:
            argument = ET.fromstring(text).find(".//application-desc/argument")
        except ET.ParseError:
            argument = None
        if argument is None or not (argument.text or "").strip():
            raise JenkinsError(f"GET {url}: the answer holds no agent secret", method="GET", url=url)
        return (argument.text or "").strip()

    # --- plumbing ----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.url + path

    def _send(
        self,
        operation: Operation,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        crumb: bool = False,
    ) -> requests.Response:
        import requests

        def send() -> requests.Response:
            if crumb:
                self._ensure_crumb()
            request = requests.Request(method, url, data=data, headers=dict(headers or {}))
            response: requests.Response = self._jenkins.jenkins_request(request, add_crumb=crumb)
            return response

        return self._attempt(operation, method, url, send)

    def _attempt(self, operation: Operation, method: str, url: str, action: Callable[[], _T]) -> _T:
        """Run ``action`` (one request), retrying as the policy allows; map its failures."""
        import jenkins
        import requests

        attempt, crumb_refreshed = 0, False
        while True:
            try:
                return action()
            except (jenkins.JenkinsException, requests.RequestException) as exc:
                error = self._error(operation, method, url, exc)
                if not crumb_refreshed and crumb_rejected(exc):
                    crumb_refreshed = True  # an expired crumb: fetch a new one, once
                    self._jenkins.crumb = None
                    continue
                wait = self.retry.delay(attempt, error.status, retry_after(exc)) if operation.retry else None
                if wait is None:
                    raise error from exc
                attempt += 1
                log.warning("%s; retry %d of %d in %.1f s", error, attempt, self.retry.retries, wait)
                self.sleep(wait)

    def _ensure_crumb(self) -> None:
        """Fetch the CSRF crumb once (python-jenkins sends it with every write after that)."""
        if self._jenkins.crumb is not None:
            return
        with self._crumb_lock:
            if self._jenkins.crumb is None:
                import requests

                url = self._url("crumbIssuer/api/json")
                request = requests.Request("GET", url)
                self._attempt(
                    Operation("fetch a CSRF crumb", "Overall/Read"),
                    "GET",
                    url,
                    lambda: self._jenkins.maybe_add_crumb(request),
                )

    def _error(self, operation: Operation, method: str, url: str, exc: Exception) -> JenkinsError:
        """``exc`` from python-jenkins or requests as an SDK error, with the token scrubbed."""
        return sdk_error(
            operation, method, url, exc, timeout=self.timeout, who=self._who(), scrub=self._scrub
        )

    def _who(self) -> str:
        return f"user {self.user!r}" if self.user else "the anonymous user"

    def _scrub(self, text: str) -> str:
        return text.replace(self.token, "****") if self.token else text
