"""``MockJenkins``: a stateful fake Jenkins 2.4xx controller for tests of python-jenkins users.

One controller model answers in two ways: inside the test process through ``responses``
(``with MockJenkins(url) as jenkins:``), and over real HTTP on loopback (``serve()``), so the
CLI and other processes can be run against it too.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar
from xml.sax.saxutils import escape

from jenkins_docker_sdk.errors import HttpFailure
from jenkins_docker_sdk.testing import _xml
from jenkins_docker_sdk.testing._faults import DROP, Faults
from jenkins_docker_sdk.testing._http import Request, Response
from jenkins_docker_sdk.testing._routes import Router
from jenkins_docker_sdk.testing._security import PERMISSIONS, Security
from jenkins_docker_sdk.testing._server import HttpTransport
from jenkins_docker_sdk.testing._state import Controller, Item
from jenkins_docker_sdk.testing._views import (
    BuildInfo,
    CredentialInfo,
    JobInfo,
    NodeInfo,
    QueuedBuild,
    RequestRecord,
)

if TYPE_CHECKING:
    from jenkins_docker_sdk.testing._responses import ResponsesTransport

#: The Jenkins version the mock reports in ``X-Jenkins`` unless told otherwise.
JENKINS_VERSION = "2.479.3"
#: The config.xml ``add_job`` uses when none is given: a freestyle job that does nothing.
DEFAULT_JOB_XML = """<?xml version='1.1' encoding='UTF-8'?>
<project>
  <description></description>
  <keepDependencies>false</keepDependencies>
  <properties/>
  <scm class="hudson.scm.NullSCM"/>
  <canRoam>true</canRoam>
  <disabled>false</disabled>
  <triggers/>
  <concurrentBuild>false</concurrentBuild>
  <builders/>
  <publishers/>
  <buildWrappers/>
</project>
"""
_T = TypeVar("_T")
_STRING_CREDENTIAL = "org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl"


class MockJenkins:
    """A fake Jenkins controller that answers what a real one answers python-jenkins.

    Args:
        base_url: the controller's URL; in ``responses`` mode every request below it is answered.
        users: user name -> API token; with users, requests authenticate with basic auth and a
            wrong secret is 401. Without users the controller is open: any user name with any
            secret logs in as that user (an API token: no crumb needed), and everyone,
            anonymous included, may do everything (see docs/testing.md).
        anonymous_read: with users, whether anonymous requests may read (Overall/Read).
        crumbs: whether CSRF protection is on (POSTs need a crumb unless they use an API token).
        version: what the ``X-Jenkins`` header reports.
        passthrough: URL prefixes that ``responses`` mode lets through to the network;
            every other URL is refused with ``requests.ConnectionError``.
        sleep: how latency is waited (a test may pass a recorder).

    Example::

        with MockJenkins("http://jenkins.test") as jenkins:
            server = jenkins_module.Jenkins("http://jenkins.test")
            server.create_job("hello", EMPTY_CONFIG_XML)
            assert "hello" in jenkins.jobs
    """

    def __init__(
        self,
        base_url: str = "http://jenkins.test",
        *,
        users: Mapping[str, str] | None = None,
        anonymous_read: bool = False,
        crumbs: bool = True,
        version: str = JENKINS_VERSION,
        passthrough: Sequence[str] = (),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._state = Controller()
        self._security = Security(tokens=dict(users or {}), anonymous_read=anonymous_read, crumbs=crumbs)
        self._router = Router(state=self._state, security=self._security, version=version)
        self._faults = Faults(sleep=sleep)
        self._log: list[RequestRecord] = []
        self._log_lock = threading.Lock()
        self._passthrough = tuple(passthrough)
        self._transport: ResponsesTransport | None = None

    def __repr__(self) -> str:
        return (
            f"MockJenkins({self.base_url!r}, jobs={len(self.jobs)}, folders={len(self.folders)}, "
            f"nodes={len(self._state.nodes)}, active={self._transport is not None})"
        )

    # -- activation ------------------------------------------------------------------------

    def start(self) -> None:
        """Intercept requests to :attr:`base_url` made through ``requests`` (python-jenkins too)."""
        if self._transport is not None:
            raise RuntimeError("MockJenkins is already started")
        from jenkins_docker_sdk.testing._responses import ResponsesTransport  # needs the testing extra

        self._transport = ResponsesTransport(self.base_url, self.handle, self._passthrough)
        self._transport.start()

    def stop(self) -> None:
        """Stop intercepting; the state stays for inspection."""
        if self._transport is not None:
            self._transport.stop()
            self._transport = None

    def __enter__(self) -> MockJenkins:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def serve(self, port: int = 0, host: str = "127.0.0.1") -> MockJenkinsServer:
        """Serve this controller over HTTP on ``host:port`` (0: a free port) until ``close()``."""
        transport = HttpTransport(self.handle, host, port)
        transport.start()
        return MockJenkinsServer(self, transport)

    def handle(self, request: Request) -> Response | None:
        """Answer one request (None: drop the connection); both activation modes call this."""
        injected = self._faults.apply(request)
        response: Response | None
        if injected == DROP:
            response = None
        elif injected is not None:
            response = injected.with_headers(("X-Jenkins", self._router.version))
        else:
            response = self._router.handle(request)
        status = None if response is None else response.status
        with self._log_lock:
            self._log.append(RequestRecord(request.method, request.path, request.logged_query(), status))
        return response

    # -- what the controller holds ---------------------------------------------------------

    @property
    def jobs(self) -> dict[str, str]:
        """Every job (not folder): full name (``team/job``) -> config.xml, as last posted."""
        with self._router.lock:
            return {i.full_name: i.config_xml for i in self._state.walk() if not i.is_folder}

    @property
    def folders(self) -> dict[str, str]:
        """Every folder: full name -> config.xml."""
        with self._router.lock:
            return {i.full_name: i.config_xml for i in self._state.walk() if i.is_folder}

    def job(self, name: str) -> JobInfo:
        """The job (or folder) ``name``: description, disabled, builds. Raises KeyError if missing."""
        with self._router.lock:
            item = self._state.find(name)
            if item is None:
                raise KeyError(name)
            return JobInfo.of(item)

    @property
    def nodes(self) -> dict[str, NodeInfo]:
        """Every permanent agent (the built-in node is not listed): name -> :class:`NodeInfo`."""
        with self._router.lock:
            return {name: NodeInfo.of(node) for name, node in self._state.nodes.items()}

    @property
    def credentials(self) -> dict[str, CredentialInfo]:
        """Every credential, keyed ``id`` (system store) or ``folder/id`` (a folder's store)."""
        with self._router.lock:
            return {
                f"{c.store}/{c.id}" if c.store else c.id: CredentialInfo.of(c)
                for c in self._state.credentials.values()
            }

    @property
    def scripts_run(self) -> list[str]:
        """Every Groovy script posted to ``scriptText``, as sent (python-jenkins adds a last line)."""
        with self._router.lock:
            return list(self._state.scripts_run)

    @property
    def queue(self) -> list[QueuedBuild]:
        """The builds waiting in the queue."""
        with self._router.lock:
            waiting = (q for q in self._state.queue.values() if q.executable is None and not q.cancelled)
            return [QueuedBuild.of(q) for q in waiting]

    @property
    def request_log(self) -> list[RequestRecord]:
        """Every request answered so far (method, path, masked query, status), oldest first."""
        with self._log_lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    # -- seeding ---------------------------------------------------------------------------

    def add_job(self, name: str, config_xml: str = DEFAULT_JOB_XML) -> None:
        """Create job ``name`` (``team/job`` creates the missing folders too).

        Raises:
            ValueError: the name is taken or not acceptable, or the XML does not parse.
        """
        self._add_item(name, config_xml)

    def add_folder(self, name: str, config_xml: str | None = None) -> None:
        """Create folder ``name`` (and the missing folders above it)."""
        self._add_item(name, config_xml or _xml.new_item_xml(_xml.FOLDER_CLASS))

    def add_node(
        self,
        name: str,
        labels: str | Iterable[str] = "",
        mode: str = "NORMAL",
        offline: bool = False,
        *,
        executors: int = 1,
        description: str = "",
        connected: bool = True,
    ) -> None:
        """Create a permanent agent. ``offline``: marked temporarily offline (``toggleOffline``
        brings it back); ``connected=False``: its agent never connected (offline until then)."""
        if mode not in ("NORMAL", "EXCLUSIVE"):
            raise ValueError(f"mode must be NORMAL or EXCLUSIVE, got {mode!r}")
        text = labels if isinstance(labels, str) else " ".join(labels)
        config = _xml.node_xml(name, text, mode, executors=executors, description=description)
        with self._router.lock:
            node = _seed(lambda: self._state.create_node(name, config, connected=connected))
            node.temporarily_offline = offline
            node.offline_by = "admin" if offline else ""

    def add_credential(
        self,
        credential_id: str,
        *,
        folder: str = "",
        domain: str = "_",
        secret: str = "mock-secret",
        description: str = "",
        config_xml: str | None = None,
    ) -> None:
        """Store a credential (a "Secret text" holding ``secret`` unless ``config_xml`` is given)
        in the system store, or in ``folder``'s store."""
        config = config_xml or (
            f"<{_STRING_CREDENTIAL}>\n  <scope>GLOBAL</scope>\n  <id>{escape(credential_id)}</id>\n"
            f"  <description>{escape(description)}</description>\n"
            f"  <secret>{escape(secret)}</secret>\n</{_STRING_CREDENTIAL}>\n"
        )
        with self._router.lock:
            store = self._state.find(folder) if folder else None
            if folder and (store is None or not store.is_folder):
                raise ValueError(f"no folder {folder!r}")
            self._state.domains.add((folder, domain))
            if not _seed(lambda: self._state.add_credential(folder, domain, config)):
                raise ValueError(
                    f"credential {credential_id!r} already exists in {folder or 'system'}/{domain}"
                )

    def add_user(self, name: str, *, token: str | None = None, password: str | None = None) -> None:
        """Let ``name`` authenticate with an API token (no crumb needed) and/or a password."""
        with self._router.lock:
            if token is not None:
                self._security.tokens[name] = token
            if password is not None:
                self._security.passwords[name] = password

    def on_script(self, pattern: str, output: str) -> None:
        """Answer scripts matching the regex ``pattern`` with ``output`` (then their literal prints)."""
        with self._router.lock:
            self._state.script_outputs.append((re.compile(pattern), output))

    def run_queue(self, result: str = "SUCCESS") -> list[BuildInfo]:
        """Start and finish every waiting build with ``result``; their queue items leave the queue."""
        with self._router.lock:
            started = self._state.run_queue(result)
            return [BuildInfo.of(self._job_of(build.queue_id), build) for build in started]

    # -- security and failure injection ----------------------------------------------------

    @property
    def crumbs(self) -> bool:
        """Whether CSRF protection is on."""
        return self._security.crumbs

    @crumbs.setter
    def crumbs(self, enabled: bool) -> None:
        self._security.crumbs = enabled

    def deny(self, permission: str, *, user: str | None = None) -> None:
        """Take ``permission`` (e.g. ``"Job/Configure"``) from ``user`` (None: from everyone)."""
        if permission not in PERMISSIONS:
            raise ValueError(f"unknown permission {permission!r}; known: {', '.join(PERMISSIONS)}")
        with self._router.lock:
            self._security.denied.add((user, permission))

    def allow(self, permission: str | None = None, *, user: str | None = None) -> None:
        """Give back what :meth:`deny` took (``permission=None``: everything denied to ``user``)."""
        with self._router.lock:
            self._security.denied = {
                (u, p) for u, p in self._security.denied if not (u == user and permission in (None, p))
            }

    def fail(
        self,
        method: str | None,
        path_regex: str,
        status: int = 500,
        times: int | None = 1,
        body: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (None: all) whose path matches with ``status``.

        ``method`` None or ``"*"`` matches any method; the regex is searched in the path
        below the root URL (``/job/team/job/web/config.xml``), without the query.
        """
        self._faults.fail(method, path_regex, status, times, body)

    def drop_connections(self, path_regex: str, times: int | None = 1, method: str | None = None) -> None:
        """Close the connection of the next ``times`` matching requests without an answer
        (``requests.ConnectionError`` in ``responses`` mode; a closed socket over HTTP)."""
        self._faults.drop(method, path_regex, times)

    def latency(self, seconds: float, path_regex: str = "") -> None:
        """Wait ``seconds`` before answering each request whose path matches (0: no more wait)."""
        self._faults.latency(seconds, path_regex)

    def clear_faults(self) -> None:
        """Forget every injected failure, drop and latency."""
        self._faults.clear()

    # -- helpers ---------------------------------------------------------------------------

    def _add_item(self, name: str, config_xml: str) -> None:
        parts = name.strip("/").split("/")
        with self._router.lock:
            parent: Item | None = None
            for index, part in enumerate(parts[:-1]):
                existing = self._state.children_of(parent).get(part)
                if existing is not None and not existing.is_folder:
                    raise ValueError(f"{'/'.join(parts[: index + 1])} is a job, not a folder")
                parent = existing or self._create(parent, part, _xml.new_item_xml(_xml.FOLDER_CLASS))
            self._create(parent, parts[-1], config_xml)

    def _create(self, parent: Item | None, name: str, config_xml: str) -> Item:
        return _seed(lambda: self._state.create_item(parent, name, config_xml))

    def _job_of(self, queue_id: int) -> Item:
        return self._state.queue[queue_id].job


class MockJenkinsServer:
    """A :class:`MockJenkins` served over HTTP; ``close()`` (or leaving ``with``) stops it.

    Attributes:
        jenkins: the controller being served (inspect and seed it as in ``responses`` mode).
        url: the root URL, ``http://127.0.0.1:PORT``.
    """

    def __init__(self, jenkins: MockJenkins, transport: HttpTransport) -> None:
        self.jenkins = jenkins
        self._transport = transport
        self.url = transport.url

    def __repr__(self) -> str:
        return f"MockJenkinsServer({self.url!r})"

    def close(self) -> None:
        self._transport.stop()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops (or ``timeout`` passes); whether it stopped."""
        return self._transport.wait(timeout)

    def __enter__(self) -> MockJenkinsServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _seed(action: Callable[[], _T]) -> _T:
    """Run a seeding action; what Jenkins would refuse becomes a ValueError."""
    try:
        return action()
    except HttpFailure as exc:
        raise ValueError(exc.message or str(exc)) from None
