"""What went wrong with a request to the controller, in the SDK's errors.

python-jenkins raises its own exceptions inside the handler of requests' ``HTTPError``;
these functions find the answer behind them, say what the controller said (never the
token) and pick the error: a 401 is :class:`JenkinsAuthError`, a 403 names the missing
permission, a 404 is :class:`JenkinsNotFoundError`, no answer :class:`JenkinsConnectionError`.
python-jenkins and requests are imported when a failure is mapped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from jenkins_docker_sdk.errors import (
    JenkinsAuthError,
    JenkinsConnectionError,
    JenkinsError,
    JenkinsNotFoundError,
    JenkinsPermissionError,
)

if TYPE_CHECKING:
    import requests

_MISSING_PERMISSION = re.compile(r"is missing the (\S+/\S+) permission")
_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)
_DETAIL_LENGTH = 300


@attrs.frozen
class Operation:
    """What a request is for, in words, and the permission Jenkins checks for it."""

    what: str
    permission: str
    retry: bool = True


def sdk_error(
    operation: Operation,
    method: str,
    url: str,
    exc: Exception,
    *,
    timeout: float,
    who: str,
    scrub: Callable[[str], str],
) -> JenkinsError:
    """``exc`` from python-jenkins or requests as an SDK error.

    ``timeout`` is the client's, ``who`` names its user, ``scrub`` removes its token.
    """
    import jenkins
    import requests

    where = f"{method} {url}"
    response = response_of(exc)
    if response is None:
        if isinstance(exc, (jenkins.TimeoutException, requests.Timeout)):
            return JenkinsConnectionError(f"{where}: no answer within {timeout:g} s", method=method, url=url)
        if isinstance(exc, requests.ConnectionError):
            return JenkinsConnectionError(
                f"{where}: cannot reach the controller ({scrub(_reason(exc))})",
                method=method,
                url=url,
            )
        text = scrub(str(exc)).strip()[:_DETAIL_LENGTH]
        return JenkinsError(f"{where}: could not {operation.what}: {text}", method=method, url=url)
    status = response.status_code
    head = f"{where}: {status} {response.reason or ''}".rstrip()
    detail = scrub(_detail(response))
    if status == 401:
        return JenkinsAuthError(
            f"{head}: the controller did not accept the credentials of {who}",
            method=method,
            url=url,
            status=status,
        )
    if status == 403:
        named = _MISSING_PERMISSION.search(detail)
        permission = named.group(1) if named else operation.permission
        return JenkinsPermissionError(
            f"{head}: {who} lacks the {permission} permission, needed to {operation.what}",
            method=method,
            url=url,
            permission=permission,
        )
    if status == 404:
        return JenkinsNotFoundError(f"{head}: could not {operation.what}", method=method, url=url, status=404)
    message = f"{head}: could not {operation.what}" + (f": {detail}" if detail else "")
    return JenkinsError(message, method=method, url=url, status=status)


def response_of(exc: BaseException) -> requests.Response | None:
    """The HTTP answer behind ``exc``: python-jenkins raises its own errors inside the
    handler of requests' ``HTTPError``, so the answer is on the exception's context."""
    import requests

    for candidate in (exc, exc.__context__, exc.__cause__):
        if isinstance(candidate, requests.HTTPError) and candidate.response is not None:
            return candidate.response
    return None


def crumb_rejected(exc: BaseException) -> bool:
    response = response_of(exc)
    return response is not None and response.status_code == 403 and "crumb" in response.text.lower()


def retry_after(exc: BaseException) -> float | None:
    response = response_of(exc)
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
