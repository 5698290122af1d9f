"""Activation through ``responses``: every requests-based client reaching the base URL is answered.

Requests to any other URL are refused with ``requests.ConnectionError`` naming the request
(responses' own message), unless their URL starts with one of the ``passthrough`` prefixes:
a test never reaches the network by accident.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
import responses

from jenkins_docker_sdk.testing._http import Request, Response

_METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", "OPTIONS")


def canonical_url(url: str) -> str:
    """``url`` without a trailing slash, scheme and host in lower case (as requests sends them)."""
    parts = urlsplit(url.rstrip("/"))
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))


class ResponsesTransport:
    """A ``responses.RequestsMock`` whose callbacks hand every request to ``respond``."""

    def __init__(
        self, base_url: str, respond: Callable[[Request], Response | None], passthrough: Sequence[str] = ()
    ) -> None:
        self._base = canonical_url(base_url)
        self._respond = respond
        self._mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        for prefix in passthrough:
            self._mock.add_passthru(prefix)
        pattern = re.compile(re.escape(self._base) + r"(?:[/?#].*)?\Z", re.DOTALL)
        for method in _METHODS:
            self._mock.add_callback(method, pattern, callback=self._callback, content_type=None)

    def start(self) -> None:
        self._mock.start()

    def stop(self) -> None:
        self._mock.stop(allow_assert=False)
        self._mock.reset()

    def _callback(self, prepared: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes]:
        body: Any = prepared.body
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        request = Request.from_url(
            prepared.method or "GET",
            prepared.url or self._base,
            self._base + "/",
            dict(prepared.headers),
            data,
        )
        response = self._respond(request)
        if response is None:
            raise requests.ConnectionError(
                "Connection aborted: remote end closed connection without response "
                f"(MockJenkins dropped the connection: {request.method} {request.path})"
            )
        headers: dict[str, str] = {}
        for name, value in response.headers:  # a repeated header reads as one, comma-joined (RFC 9110)
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return response.status, headers, response.body
