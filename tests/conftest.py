"""Shared fixtures: the example farm, the real Groovy compiler (started once), and the Docker
harness (tests/support/docker_harness.py: docker_engine, registry, swarm)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jenkins_docker_sdk import Farm
from tests.support.groovy import INSTALL_HINT, GroovyChecker, find_groovy

pytest_plugins = [
    "pytester",  # the testing kit's plugin is tested by running pytest
    "tests.support.docker_harness",  # real engines, swarm and registry (scripts/docker-harness)
]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_FARM = ROOT / "examples" / "farm"


@pytest.fixture(scope="session")
def example_farm() -> Farm:
    """The embedded example farm, loaded once."""
    return Farm.from_path(EXAMPLE_FARM)


@pytest.fixture(scope="session")
def groovy() -> Iterator[GroovyChecker]:
    """A running Groovy 2.4 compile checker. Outside CI a missing Groovy skips; in CI it fails."""
    launcher = find_groovy()
    if launcher is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Groovy is missing in CI. {INSTALL_HINT}")
        pytest.skip(INSTALL_HINT)
    checker = GroovyChecker(launcher)
    yield checker
    checker.close()
