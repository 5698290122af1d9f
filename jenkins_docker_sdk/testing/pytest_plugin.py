"""The testing kit's pytest plugin: opt-in fixtures, nothing autouse, no test is changed.

Registered through the ``pytest11`` entry point, so installing the SDK makes the fixtures
available. Importing this module imports neither ``responses`` nor the mock: that happens
when a test asks for a fixture.

Fixtures:
    mock_jenkins: a :class:`~jenkins_docker_sdk.testing.MockJenkins` at ``http://jenkins.test``
        intercepting ``requests`` (python-jenkins included) for the test's duration.
    mock_jenkins_server: a :class:`~jenkins_docker_sdk.testing.MockJenkinsServer` serving a fresh
        MockJenkins over HTTP on 127.0.0.1 (``.url``, ``.jenkins``), for code run in other
        processes or that needs real sockets.

Both accept the ``MockJenkins`` keyword arguments through a marker::

    @pytest.mark.mock_jenkins(users={"admin": "s3cr3t"}, crumbs=False)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from jenkins_docker_sdk.testing.mock import MockJenkins, MockJenkinsServer


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "mock_jenkins(**kwargs): MockJenkins arguments for the mock_jenkins fixtures"
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker("mock_jenkins")
    return dict(marker.kwargs) if marker is not None else {}


@pytest.fixture
def mock_jenkins(request: pytest.FixtureRequest) -> Iterator[MockJenkins]:
    """A MockJenkins at ``http://jenkins.test`` (or the marker's ``base_url``), active during the test."""
    from jenkins_docker_sdk.testing.mock import MockJenkins

    with MockJenkins(**_options(request)) as jenkins:
        yield jenkins


@pytest.fixture
def mock_jenkins_server(request: pytest.FixtureRequest) -> Iterator[MockJenkinsServer]:
    """A fresh MockJenkins served over HTTP on a free loopback port, stopped after the test."""
    from jenkins_docker_sdk.testing.mock import MockJenkins

    with MockJenkins(**_options(request)).serve() as server:
        yield server
