"""Activation over real HTTP: the stdlib ``http.server`` on loopback, in a daemon thread."""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from jenkins_docker_sdk.testing._http import Request, Response


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    respond: Callable[[Request], Response | None]
    authority: str  # host:port

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timeout, a dropped connection) is not an error of the server."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm on, a kept-alive client's
    # delayed ACK then holds every answer with a body back by ~40 ms (0.7 ms without).
    disable_nagle_algorithm = True
    server: _Server

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        root = f"http://{self.headers.get('Host') or self.server.authority}/"
        request = Request.from_url(self.command, root.rstrip("/") + self.path, root, dict(self.headers), body)
        response = self.server.respond(request)
        if response is None:  # drop_connections: close the socket without an answer
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(response.status)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = _handle

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: request lines may carry parameters; the request log has them, masked."""


class HttpTransport:
    """A loopback HTTP server answering with ``respond`` until :meth:`stop`."""

    def __init__(self, respond: Callable[[Request], Response | None], host: str, port: int) -> None:
        self._server = _Server((host, port), _Handler)
        self._server.respond = respond
        host, port = self._server.socket.getsockname()[:2]
        self._server.authority = f"{host}:{port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="MockJenkins-http", daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://{self._server.authority}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops (or ``timeout`` passes); whether it stopped."""
        self._thread.join(timeout)
        return not self._thread.is_alive()
