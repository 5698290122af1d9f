"""The Jenkins adapter: typed calls over python-jenkins, the only module that imports it.

:class:`JenkinsClient` holds a python-jenkins ``Jenkins`` (composition, not inheritance)
and adds what syncing thousands of jobs needs: folder paths (``team/job`` is
``/job/team/job/job``), the CSRF crumb fetched once before the first write and fetched
again when the controller rejects it, API-token auth, a timeout on every request, bounded
retries with exponential backoff for requests that are safe to repeat, and every failure
turned into a :class:`~jenkins_docker_sdk.errors.JenkinsError` that names the request, the
status and, for a 403, the missing permission, but never the token.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urlsplit

import attrs
import jenkins
import requests

from jenkins_docker_sdk import configxml
from jenkins_docker_sdk.clients.retry import RetryPolicy
from jenkins_docker_sdk.errors import (
    InputError,
    JenkinsAuthError,
    JenkinsConnectionError,
    JenkinsError,
    JenkinsItemExistsError,
    JenkinsNotFoundError,
    JenkinsPermissionError,
)

log = logging.getLogger(__name__)

_T = TypeVar("_T")
_XML_HEADERS = {"Content-Type": "text/xml; charset=utf-8"}
_FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
_MISSING_PERMISSION = re.compile(r"is missing the (\S+/\S+) permission")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)
_DETAIL_LENGTH = 300
DEFAULT_TOKEN_ENV = "JENKINS_API_TOKEN"
_DUMB_SLAVE = "hudson.slaves.DumbSlave$DescriptorImpl"


@attrs.frozen
class RemoteItem:
    """An item on the controller as the bulk read sees it.

    Attributes:
        name: the full name, folders included (``teamA/web-build``).
        description: the item's description; ``None`` when it has none.
        folder: whether the item holds other items (a folder).
    """

    name: str
    description: str | None
    folder: bool


@attrs.frozen
class RemoteNode:
    """An agent of the controller as ``computer/api/json`` lists it."""

    name: str
    description: str
    offline: bool


@attrs.frozen
class _Operation:
    """What a request is for, in words, and the permission Jenkins checks for it."""

    what: str
    permission: str
    retry: bool = True


def check_url(url: str) -> str:
    """The controller URL with a trailing slash.

    Raises:
        InputError: not an ``http(s)://host[:port][/path]`` URL, or one with credentials,
            a query or a fragment in it.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port  # a port that is not a number raises here
    except ValueError as exc:
        raise _bad_url(url, str(exc)) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _bad_url(url, "it is not an http:// or https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise _bad_url(
            url,
            "it has credentials in it; give the user with --user and the token in an environment variable",
        )
    if parts.query or parts.fragment:
        raise _bad_url(url, "it has a query or fragment")
    return url if url.endswith("/") else url + "/"


def _bad_url(url: str, reason: str) -> InputError:
    shown = url
    parts = urlsplit(url) if "://" in url else None
    if parts is not None and "@" in parts.netloc:
        shown = parts._replace(netloc="****@" + parts.netloc.rpartition("@")[2]).geturl()
    return InputError.at(
        f"bad Jenkins URL {shown!r}: {reason}",
        hint="a controller URL looks like https://jenkins.example.com/ or http://host:8080/jenkins/",
    )


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
        url = self._url(f"api/json?tree={_tree(depth)}")
        response = self._send(_Operation("list the jobs", "Overall/Read"), "GET", url)
        try:
            data = response.json()
        except ValueError:
            raise JenkinsError(f"GET {url}: the answer is not JSON", method="GET", url=url) from None
        entries = data.get("jobs") if isinstance(data, dict) else None
        return list(_items(entries if isinstance(entries, list) else [], "", depth))

    def get_config(self, name: str) -> str:
        """The ``config.xml`` of item ``name`` (``team/job``), as the controller keeps it."""
        url = self._url(_item_path(name) + "config.xml")
        return self._send(
            _Operation(f"read the configuration of {name}", "Job/ExtendedRead"), "GET", url
        ).text

    def create_item(self, name: str, config_xml: str) -> None:
        """Create item ``name`` (a job or a folder) from ``config_xml``; its folder must exist.

        A create that the controller answers with 400 because the item exists (a retried
        request whose first attempt did arrive, or a concurrent writer) counts as done
        when the existing item says the same as ``config_xml``.

        Raises:
            JenkinsItemExistsError: an item of that name with another configuration exists.
        """
        parent, _, short = name.rpartition("/")
        url = self._url(f"{_item_path(parent)}createItem?name={quote(short, safe='')}")
        where = f"in folder {parent}" if parent else "at the top level"
        operation = _Operation(f"create {name} {where}", "Job/Create")
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
            if not configxml.same_config(existing, config_xml):
                raise JenkinsItemExistsError(
                    f"POST {url}: 400: {name} already exists on the controller with another configuration",
                    method="POST",
                    url=url,
                    status=400,
                ) from error
            log.info("%s already existed with this configuration (an earlier attempt went through)", name)

    def update_config(self, name: str, config_xml: str) -> None:
        """Replace the ``config.xml`` of item ``name`` (one request, atomic on the controller)."""
        url = self._url(_item_path(name) + "config.xml")
        operation = _Operation(f"configure {name}", "Job/Configure")
        self._send(operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True)

    def delete_item(self, name: str) -> None:
        """Delete item ``name`` (with everything in it, for a folder).

        Raises:
            JenkinsNotFoundError: there is no such item (also when a retried request's
                first attempt deleted it).
        """
        url = self._url(_item_path(name) + "doDelete")
        self._send(_Operation(f"delete {name}", "Job/Delete"), "POST", url, crumb=True)

    def run_script(self, script: str) -> str:
        """Run a Groovy script on the controller (``scriptText``) and return what it printed.

        Never retried: a script need not be safe to run twice.
        """
        url = self._url("scriptText")
        operation = _Operation("run a script on the controller", "Overall/Administer", retry=False)

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
        url = self._url(_store_path(folder, domain) + "createCredentials")
        operation = _Operation(f"create a credential in {_store_name(folder)}", "Credentials/Create")
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
        path = _store_path(folder, domain) + f"credential/{quote(credential_id, safe='')}/config.xml"
        operation = _Operation(
            f"update credential {credential_id} in {_store_name(folder)}", "Credentials/Update"
        )
        url = self._url(path)
        self._send(operation, "POST", url, data=config_xml.encode("utf-8"), headers=_XML_HEADERS, crumb=True)

    # --- agents (nodes) -------------------------------------------------------------------

    def list_nodes(self) -> list[RemoteNode]:
        """Every agent of the controller (the built-in node left out), in one read."""
        url = self._url("computer/api/json?tree=computer[displayName,description,offline]")
        response = self._send(_Operation("list the agents", "Overall/Read"), "GET", url)
        try:
            computers = response.json().get("computer") or []
        except (ValueError, AttributeError):
            raise JenkinsError(f"GET {url}: the answer is not JSON", method="GET", url=url) from None
        return [
            RemoteNode(str(c["displayName"]), c.get("description") or "", bool(c.get("offline")))
            for c in computers
            if isinstance(c, dict)
            and c.get("_class") != "hudson.model.Hudson$MasterComputer"
            and isinstance(c.get("displayName"), str)
        ]

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
        operation = _Operation(f"create agent {name}", "Agent/Create")
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
            self._send(_Operation(f"delete agent {name}", "Agent/Delete"), "POST", url, crumb=True)
        except JenkinsNotFoundError:
            return False
        return True

    def agent_secret(self, name: str) -> str:
        """The secret an inbound (JNLP) agent ``name`` connects with.

        Read from ``computer/NAME/jenkins-agent.jnlp`` (Agent/Connect), whose first
        ``<argument>`` is the secret. Never logged; errors do not carry it.
        """
        url = self._url(f"computer/{quote(name, safe='')}/jenkins-agent.jnlp")
        text = self._send(_Operation(f"read the secret of agent {name}", "Agent/Connect"), "GET", url).text
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
        operation: _Operation,
        method: str,
        url: str,
        *,
        data: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        crumb: bool = False,
    ) -> requests.Response:
        def send() -> requests.Response:
            if crumb:
                self._ensure_crumb()
            request = requests.Request(method, url, data=data, headers=dict(headers or {}))
            response: requests.Response = self._jenkins.jenkins_request(request, add_crumb=crumb)
            return response

        return self._attempt(operation, method, url, send)

    def _attempt(self, operation: _Operation, method: str, url: str, action: Callable[[], _T]) -> _T:
        """Run ``action`` (one request), retrying as the policy allows; map its failures."""
        attempt, crumb_refreshed = 0, False
        while True:
            try:
                return action()
            except (jenkins.JenkinsException, requests.RequestException) as exc:
                error = self._error(operation, method, url, exc)
                if not crumb_refreshed and _crumb_rejected(exc):
                    crumb_refreshed = True  # an expired crumb: fetch a new one, once
                    self._jenkins.crumb = None
                    continue
                wait = self.retry.delay(attempt, error.status, _retry_after(exc)) if operation.retry else None
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
                url = self._url("crumbIssuer/api/json")
                request = requests.Request("GET", url)
                self._attempt(
                    _Operation("fetch a CSRF crumb", "Overall/Read"),
                    "GET",
                    url,
                    lambda: self._jenkins.maybe_add_crumb(request),
                )

    def _error(self, operation: _Operation, method: str, url: str, exc: Exception) -> JenkinsError:
        """``exc`` from python-jenkins or requests as an SDK error, with the token scrubbed."""
        where = f"{method} {url}"
        response = _response(exc)
        if response is None:
            if isinstance(exc, (jenkins.TimeoutException, requests.Timeout)):
                return JenkinsConnectionError(
                    f"{where}: no answer within {self.timeout:g} s", method=method, url=url
                )
            if isinstance(exc, requests.ConnectionError):
                return JenkinsConnectionError(
                    f"{where}: cannot reach the controller ({self._scrub(_reason(exc))})",
                    method=method,
                    url=url,
                )
            text = self._scrub(str(exc)).strip()[:_DETAIL_LENGTH]
            return JenkinsError(f"{where}: could not {operation.what}: {text}", method=method, url=url)
        status = response.status_code
        head = f"{where}: {status} {response.reason or ''}".rstrip()
        detail = self._scrub(_detail(response))
        if status == 401:
            return JenkinsAuthError(
                f"{head}: the controller did not accept the credentials of {self._who()}",
                method=method,
                url=url,
                status=status,
            )
        if status == 403:
            named = _MISSING_PERMISSION.search(detail)
            permission = named.group(1) if named else operation.permission
            return JenkinsPermissionError(
                f"{head}: {self._who()} lacks the {permission} permission, needed to {operation.what}",
                method=method,
                url=url,
                permission=permission,
            )
        if status == 404:
            return JenkinsNotFoundError(
                f"{head}: could not {operation.what}", method=method, url=url, status=404
            )
        message = f"{head}: could not {operation.what}" + (f": {detail}" if detail else "")
        return JenkinsError(message, method=method, url=url, status=status)

    def _who(self) -> str:
        return f"user {self.user!r}" if self.user else "the anonymous user"

    def _scrub(self, text: str) -> str:
        return text.replace(self.token, "****") if self.token else text


def _store_path(folder: str, domain: str) -> str:
    """The credentials plugin's URL of a store's domain: the system store or a folder's."""
    store = f"{_item_path(folder)}credentials/store/folder" if folder else "credentials/store/system"
    return f"{store}/domain/{quote(domain, safe='')}/"


def _store_name(folder: str) -> str:
    return f"the credentials store of folder {folder}" if folder else "the system credentials store"


def _item_path(name: str) -> str:
    """``team/job`` -> ``job/team/job/job/``; the empty name (the top level) -> ``""``."""
    if not name:
        return ""
    return "".join(f"job/{quote(part, safe='')}/" for part in name.split("/"))


def _tree(depth: int) -> str:
    """The ``tree`` of the bulk read: names and descriptions ``depth`` folders deep.

    The innermost level also asks for ``jobs[name]``: only folders have ``jobs``, so
    every item read can be told to be a folder or not.
    """
    tree = "jobs[name]"
    for _ in range(max(1, depth)):
        tree = f"jobs[name,description,{tree}]"
    return tree


def _items(entries: list[Any], prefix: str, levels: int) -> Iterator[RemoteItem]:
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        name = prefix + entry["name"]
        children = entry.get("jobs")
        description = entry.get("description")
        yield RemoteItem(name, description if isinstance(description, str) else None, children is not None)
        if isinstance(children, list) and levels > 1:
            yield from _items(children, name + "/", levels - 1)


def _response(exc: BaseException) -> requests.Response | None:
    """The HTTP answer behind ``exc``: python-jenkins raises its own errors inside the
    handler of requests' ``HTTPError``, so the answer is on the exception's context."""
    for candidate in (exc, exc.__context__, exc.__cause__):
        if isinstance(candidate, requests.HTTPError) and candidate.response is not None:
            return candidate.response
    return None


def _crumb_rejected(exc: BaseException) -> bool:
    response = _response(exc)
    return response is not None and response.status_code == 403 and "crumb" in response.text.lower()


def _retry_after(exc: BaseException) -> float | None:
    response = _response(exc)
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: use the policy's own backoff


def _detail(response: requests.Response) -> str:
    """What the controller said went wrong, in one short line."""
    text = response.headers.get("X-Error") or _TAG.sub(" ", response.text or "")
    return " ".join(text.split())[:_DETAIL_LENGTH]


def _reason(exc: requests.RequestException) -> str:
    """The innermost reason of a connection error, without urllib3's object reprs."""
    cause: Any = exc.args[0] if exc.args else exc
    reason = getattr(cause, "reason", None) or cause
    return re.sub(r"<[^>]*>:?\s*", "", str(reason)).strip() or type(exc).__name__
