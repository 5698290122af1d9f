"""Adapters over the client libraries of the systems the SDK talks to.

Services depend on the protocols here, not on the libraries: :class:`JenkinsAPI` is what
``jds apply`` needs from a controller, and :class:`JenkinsClient` (python-jenkins) is the
implementation shipped. :mod:`jenkins_docker_sdk.clients.jenkins` is the only module that
imports python-jenkins.
"""

from __future__ import annotations

from typing import Protocol

from jenkins_docker_sdk.clients.jenkins import DEFAULT_TOKEN_ENV, JenkinsClient, RemoteItem, check_url
from jenkins_docker_sdk.clients.retry import RetryPolicy

__all__ = ["DEFAULT_TOKEN_ENV", "JenkinsAPI", "JenkinsClient", "RemoteItem", "RetryPolicy", "check_url"]


class JenkinsAPI(Protocol):
    """What syncing jobs needs from a Jenkins controller.

    Item names are full names with folders, ``team/job``. Every method raises
    :class:`~jenkins_docker_sdk.errors.JenkinsError` (or a subclass) on failure.
    """

    url: str

    def list_items(self, depth: int = 2) -> list[RemoteItem]:
        """Every item down to ``depth`` levels of folders, with its description, in one read."""
        ...

    def get_config(self, name: str) -> str:
        """The ``config.xml`` of an item."""
        ...

    def create_item(self, name: str, config_xml: str) -> None:
        """Create a job or folder from its ``config.xml``, in an existing folder."""
        ...

    def update_config(self, name: str, config_xml: str) -> None:
        """Replace an item's ``config.xml``."""
        ...

    def delete_item(self, name: str) -> None:
        """Delete an item (a folder with everything in it)."""
        ...

    def run_script(self, script: str) -> str:
        """Run a Groovy script on the controller and return its output."""
        ...
