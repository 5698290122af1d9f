"""Transport-neutral HTTP values: what both activation modes hand the router, and get back."""

from __future__ import annotations

import html
from collections.abc import Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

import attrs

#: Shown on every HTML page MockJenkins serves, so that nobody mistakes it for a controller.
TEST_DOUBLE_NOTICE = (
    "MockJenkins: a test double of a Jenkins controller (jenkins-docker-sdk testing kit), "
    "not a real Jenkins. Its state lives in memory and is lost when it stops."
)
#: Request parameters whose values never reach the request log.
SECRET_PARAMETERS = frozenset({"token", "password", "secret", "apitoken", "api_token"})
_FORM = "application/x-www-form-urlencoded"


@attrs.frozen
class Request:
    """One request, as the controller sees it.

    Attributes:
        method: upper-case HTTP method.
        path: the path below the controller's root URL, starting with ``/``, still percent-encoded.
        query: the decoded query parameters, in order.
        headers: header names in lower case.
        body: the raw request body.
        root_url: the controller's root URL as the client reached it, ending with ``/``.
    """

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]
    body: bytes
    root_url: str

    @classmethod
    def from_url(
        cls, method: str, url: str, root_url: str, headers: Mapping[str, str], body: bytes
    ) -> Request:
        """Build a request from a full URL below ``root_url`` (which ends with ``/``)."""
        parts = urlsplit(url)
        root_path = urlsplit(root_url).path.rstrip("/")
        path = parts.path[len(root_path) :] if parts.path.startswith(root_path) else parts.path
        return cls(
            method=method.upper(),
            path=path or "/",
            query=tuple(parse_qsl(parts.query, keep_blank_values=True)),
            headers={name.lower(): value for name, value in headers.items()},
            body=body,
            root_url=root_url,
        )

    @property
    def segments(self) -> list[str]:
        """The decoded path segments (``/job/a%20b/api/json`` -> ``['job', 'a b', 'api', 'json']``)."""
        return [unquote(part) for part in self.path.strip("/").split("/") if part]

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def form(self) -> list[tuple[str, str]]:
        """The form fields of a url-encoded body (empty for any other body)."""
        if not (self.content_type or "").startswith(_FORM):
            return []
        return parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)

    def param(self, name: str) -> str | None:
        """A parameter as a servlet reads it: the query string first, then the form body."""
        for key, value in (*self.query, *self.form):
            if key == name:
                return value
        return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def is_xml(self) -> bool:
        """Whether the body is declared as XML, as Jenkins checks it before reading config.xml."""
        return (self.content_type or "").startswith(("application/xml", "text/xml"))

    def logged_query(self) -> str:
        """The query string for the request log, with secret-looking parameters masked."""
        shown = [
            f"{key}={'****' if key.lower() in SECRET_PARAMETERS else value}" for key, value in self.query
        ]
        return "&".join(shown)


@attrs.frozen
class Response:
    """One response: status, headers (in order, names may repeat) and body."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def with_headers(self, *extra: tuple[str, str]) -> Response:
        return attrs.evolve(self, headers=(*self.headers, *extra))


def header_value(text: str) -> str:
    """A header value as Jetty writes it: characters outside ISO-8859-1 become ``?``."""
    return "".join(ch if ord(ch) <= 0xFF else "?" for ch in text)


def json_response(body: str, status: int = 200) -> Response:
    return Response(status, body.encode(), (("Content-Type", "application/json;charset=utf-8"),))


def xml_response(body: str) -> Response:
    return Response(200, body.encode(), (("Content-Type", "application/xml;charset=utf-8"),))


def text_response(body: str, status: int = 200) -> Response:
    return Response(status, body.encode(), (("Content-Type", "text/plain;charset=utf-8"),))


def html_page(title: str, message: str = "", status: int = 200, *headers: tuple[str, str]) -> Response:
    """An HTML page that says it comes from a test double."""
    body = (
        "<!DOCTYPE html>\n<html><head><title>"
        f"{html.escape(title)} [MockJenkins]</title></head>\n<body>\n"
        f'<p id="mock-jenkins-notice"><strong>{html.escape(TEST_DOUBLE_NOTICE)}</strong></p>\n'
        f"<h1>{html.escape(title)}</h1>\n"
        + (f"<p>{html.escape(message)}</p>\n" if message else "")
        + "</body></html>\n"
    )
    return Response(status, body.encode(), (("Content-Type", "text/html;charset=utf-8"), *headers))


def redirect(location: str, status: int = 302) -> Response:
    return Response(status, b"", (("Location", location),))


def quote_segment(name: str) -> str:
    """A name as one URL path segment (``my job`` -> ``my%20job``)."""
    return quote(name.encode("utf-8"), safe="")
