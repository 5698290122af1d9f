"""The error answers of a Jenkins controller, as exceptions the router turns into responses."""

from __future__ import annotations

from jenkins_docker_sdk.errors import HttpFailure
from jenkins_docker_sdk.testing._http import header_value, html_page


def failure(message: str) -> HttpFailure:
    """``hudson.model.Failure``: 400, the message in the page and in an ``X-Error`` header."""
    return HttpFailure(html_page("Error", message, 400, ("X-Error", header_value(message))), message)


def not_found() -> HttpFailure:
    """No object at this URL: Stapler's 404."""
    return HttpFailure(html_page("Not Found", "Not Found", 404), "Not Found")


def status(code: int, message: str) -> HttpFailure:
    """``HttpResponses.errorWithoutStack(code, message)`` and friends."""
    return HttpFailure(html_page(f"Error {code}", message, code), message)


def requires_post() -> HttpFailure:
    """``@RequirePOST`` on a GET: 405 and a page with a button to retry as POST."""
    return HttpFailure(html_page("This URL requires POST", "This URL requires POST", 405))


def server_error(message: str) -> HttpFailure:
    """An exception inside Jenkins (malformed XML, wrong item type): 500 and the message."""
    return HttpFailure(html_page("Oops!", message, 500), message)
