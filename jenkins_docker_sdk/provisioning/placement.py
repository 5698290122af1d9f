"""Which host an agent goes to: DryDock rules, caps, image locality, then load."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning.backends import DockerHost


def eligible(template: AgentTemplate, host: DockerHost) -> bool:
    """DryDock hosts run only agents that get the Docker socket, and those run nowhere else."""
    return template.docker_socket == host.drydock


def choose(
    hosts: Sequence[DockerHost],
    load: Mapping[str, int],
    has_image: Mapping[str, bool],
) -> DockerHost | None:
    """The host to place on: one holding the image first, then the least loaded, then by name.

    Args:
        hosts: the candidates (eligible, usable and below their own cap).
        load: host name -> agents of the farm on it (live and in flight).
        has_image: host name -> whether it holds the template's image (by digest).
    """
    if not hosts:
        return None
    return min(hosts, key=lambda h: (not has_image.get(h.name, False), load.get(h.name, 0), h.name))


def image_matches(digests: frozenset[str] | None, image: str) -> bool:
    """Whether a host's copy (its id and repo digests; ``None``: absent) is the wanted image.

    A reference pinned by digest (``name@sha256:...``) must match it; otherwise any local
    copy of the reference counts.
    """
    if digests is None:
        return False
    _, at, digest = image.partition("@")
    return not at or digest in digests
