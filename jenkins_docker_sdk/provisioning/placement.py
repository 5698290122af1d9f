"""Which host an agent goes to: DryDock rules, caps, image locality, then load; its ssh port."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from jenkins_docker_sdk.errors import CapacityError, DockerError, ProvisioningError
from jenkins_docker_sdk.model import AgentTemplate
from jenkins_docker_sdk.provisioning.backends import DockerHost
from jenkins_docker_sdk.provisioning.health import HostHealth
from jenkins_docker_sdk.provisioning.ownership import Ownership


def place(
    template: AgentTemplate,
    hosts: Sequence[DockerHost],
    load: dict[str, int],
    *,
    locality: bool,
    health: HostHealth,
) -> tuple[DockerHost, bool]:
    """The host for an agent of ``template`` among the usable ``hosts``, and whether it was
    seen holding the image (asked of each host below its cap when ``locality`` and there is
    a choice).

    Raises:
        ProvisioningError: no host may take the template (``health`` names those down).
        CapacityError: every one that may is at its cap.
    """
    eligible_hosts = [h for h in hosts if eligible(template, h)]
    roomy = [h for h in eligible_hosts if h.max_containers is None or load.get(h.name, 0) < h.max_containers]
    if not roomy:
        if not eligible_hosts:
            kind = "DryDock host" if template.docker_socket else "host that is not a DryDock host"
            down = health.down()
            why = f" (out of placement: {', '.join(sorted(down))})" if down else ""
            raise ProvisioningError(f"no reachable {kind} for template {template.name}{why}")
        raise CapacityError(f"every host for template {template.name} is at its cap")
    has_image: dict[str, bool] = {}
    for host in roomy if locality and len(roomy) > 1 else ():
        try:
            has_image[host.name] = image_matches(host.engine.image_digests(template.image), template.image)
        except DockerError:
            has_image[host.name] = False
    chosen = choose(roomy, load, has_image)
    if chosen is None:  # pragma: no cover - roomy is not empty
        raise ProvisioningError(f"no host for template {template.name}")
    return chosen, has_image.get(chosen.name, False)


def free_port(owned: Iterable[Ownership], ports: tuple[int, int]) -> int:
    """The lowest port of ``ports`` (low, high) that none of the host's agents ``owned`` uses."""
    used = {o.port for o in owned}
    low, high = ports
    for port in range(low, high + 1):
        if port not in used:
            return port
    raise CapacityError(f"no free ssh port in {low}-{high} on the host")


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
