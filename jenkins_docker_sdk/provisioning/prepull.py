"""Pre-pulling: warm the hosts with the images of the busiest templates (``jds prepull``)."""

from __future__ import annotations

from collections import Counter

import attrs

from jenkins_docker_sdk.errors import DockerError
from jenkins_docker_sdk.model import AgentTemplate, Farm
from jenkins_docker_sdk.provisioning import placement
from jenkins_docker_sdk.provisioning.provisioner import SlaveProvisioner


@attrs.frozen
class PrepullResult:
    """One image on one host: ``pulled``, ``present`` or ``failed: ...``."""

    host: str
    image: str
    outcome: str

    def to_dict(self) -> dict[str, str]:
        return attrs.asdict(self)


def busiest(farm: Farm, top: int) -> list[AgentTemplate]:
    """The ``top`` templates serving the most jobs (farm order breaks ties)."""
    served = Counter(found[0].name for found in farm.bindings.values() if found)
    order = {t.name: i for i, t in enumerate(farm.templates)}
    ranked = sorted(farm.templates, key=lambda t: (-served[t.name], order[t.name]))
    return ranked[:top]


def prepull(provisioner: SlaveProvisioner, templates: list[AgentTemplate]) -> list[PrepullResult]:
    """Pull each template's image on every usable host that may run it (DryDock rules)."""
    results = []
    for host in provisioner.usable_hosts():
        for template in templates:
            if not placement.eligible(template, host):
                continue
            try:
                present = placement.image_matches(host.engine.image_digests(template.image), template.image)
                if present and provisioner.settings.pull != "always":
                    results.append(PrepullResult(host.name, template.image, "present"))
                    continue
                auth = provisioner.registry_auth_for(template.image)
                host.engine.pull(template.image, auth)
                results.append(PrepullResult(host.name, template.image, "pulled"))
            except DockerError as exc:
                results.append(PrepullResult(host.name, template.image, f"failed: {exc}"))
    return results
