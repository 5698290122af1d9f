"""Fixtures shared by the MockJenkins tests: a controller with one API-token user, and a client."""

from __future__ import annotations

from collections.abc import Iterator

import jenkins
import pytest

from jenkins_docker_sdk.testing import MockJenkins

URL = "http://jenkins.test"


@pytest.fixture
def mock() -> Iterator[MockJenkins]:
    with MockJenkins(URL, users={"admin": "api-token"}) as jenkins_mock:
        yield jenkins_mock


@pytest.fixture
def server(mock: MockJenkins) -> jenkins.Jenkins:
    return jenkins.Jenkins(URL, username="admin", password="api-token")
