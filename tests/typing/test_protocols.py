"""The adapters fill the seams the stages are written against.

mypy checks this module (``[tool.mypy] files`` in pyproject.toml names it): each assignment
below fails the type check when the adapter stops satisfying the protocol. At run time the
same pairs are compared member by member (names, parameters, defaults), so a plain
``pytest`` run notices too.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any, Protocol

import pytest

from jenkins_docker_sdk.clients import JenkinsClient, protocols
from jenkins_docker_sdk.clients.docker import DockerEngine

ROOT = Path(__file__).resolve().parents[2]


def _jenkins_client() -> JenkinsClient:
    return JenkinsClient(url="http://jenkins.test/")


def _docker_engine() -> DockerEngine:
    return DockerEngine(url="unix:///nonexistent/docker.sock")


def test_the_jenkins_client_is_every_jenkins_protocol() -> None:
    client = _jenkins_client()
    jobs: protocols.JenkinsJobs = client
    scripts: protocols.JenkinsScripts = client
    api: protocols.JenkinsAPI = client
    agents: protocols.JenkinsAgents = client
    nodes: protocols.JenkinsNodesClient = client
    stores: protocols.CredentialStores = client
    assert all(seam is client for seam in (jobs, scripts, api, agents, nodes, stores))


def test_the_docker_engine_is_the_container_engine() -> None:
    engine = _docker_engine()
    container_engine: protocols.ContainerEngine = engine
    holder: protocols.HasDockerAPI = engine  # secret delivery writes through its low-level client
    assert container_engine is holder is engine


JENKINS = (
    protocols.JenkinsJobs,
    protocols.JenkinsScripts,
    protocols.JenkinsAPI,
    protocols.JenkinsAgents,
    protocols.JenkinsNodesClient,
    protocols.CredentialStores,
)


def _members(protocol: type) -> set[str]:
    names: set[str] = set()
    for base in protocol.__mro__:
        if base in (object, Protocol) or not getattr(base, "_is_protocol", False):
            continue
        names.update(n for n in (*vars(base), *getattr(base, "__annotations__", {})) if not n.startswith("_"))
    return names


def _parameters(function: Any) -> list[tuple[str, Any, Any]]:
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize(
    ("protocol", "implementation"),
    [*((p, JenkinsClient) for p in JENKINS), (protocols.ContainerEngine, DockerEngine)],
    ids=lambda value: value.__name__,
)
def test_every_member_is_there_with_the_protocols_parameters(protocol: type, implementation: type) -> None:
    members = _members(protocol)
    assert members, f"{protocol.__name__} has no members"
    for name in sorted(members):
        declared = inspect.getattr_static(protocol, name, None)
        if declared is None or isinstance(declared, property):
            assert name in attrs_fields(implementation) or hasattr(implementation, name), name
            continue
        assert _parameters(getattr(implementation, name)) == _parameters(declared), name


def attrs_fields(cls: type) -> set[str]:
    return {field.name for field in getattr(cls, "__attrs_attrs__", ())}


def test_mypy_checks_this_module() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")  # no tomllib before 3.11
    mypy = pyproject.partition("[tool.mypy]")[2].partition("\n[")[0]
    files = re.search(r"^files = \[(.*)\]", mypy, re.MULTILINE)
    assert files is not None
    assert '"tests/typing"' in files.group(1)
