"""The managed marker in a job's description, and the content hash stamped into it.

Every description jds renders ends with :data:`~jenkins_docker_sdk.render.MANAGED_MARKER`.
When ``jds apply`` writes a job it stamps the marker with a hash of the job's
configuration::

    <!-- Managed by jenkins-docker-sdk sha256:0123456789abcdef -->

The hash is taken over the canonical form (:mod:`jenkins_docker_sdk.clients.configxml`) of the
``config.xml`` with the marker unstamped, so it can be worked out again from whatever the
controller hands back, and Jenkins' own re-serialisation does not change it.
"""

from __future__ import annotations

import re

import attrs

from jenkins_docker_sdk.clients import configxml
from jenkins_docker_sdk.render import HASH_LENGTH, MANAGED_MARKER, xml_text

_MARKER = re.compile(rf"<!-- Managed by jenkins-docker-sdk(?: sha256:([0-9a-f]{{{HASH_LENGTH}}}))? -->")
_DESCRIPTION_END = "</description>"


@attrs.frozen
class Marker:
    """The marker found in a description.

    Attributes:
        hash: the stamped content hash; ``None`` for a plain marker (a job made by the
            Job DSL seed, or written by something other than ``jds apply``).
    """

    hash: str | None


@attrs.frozen
class StampedConfig:
    """A rendered ``config.xml`` with its marker stamped.

    Attributes:
        xml: the text to send to the controller.
        hash: the content hash stamped into it.
        description: the description with the marker unstamped (for comparisons).
    """

    xml: str
    hash: str
    description: str


def stamped_marker(content_hash: str) -> str:
    """The marker carrying ``content_hash``."""
    return f"<!-- Managed by jenkins-docker-sdk sha256:{content_hash} -->"


def read_marker(description: str | None) -> Marker | None:
    """The last marker in ``description``; ``None`` if there is none (not managed by jds)."""
    if not description:
        return None
    matches = _MARKER.findall(description)
    return Marker(matches[-1] or None) if matches else None


def unstamped(description: str) -> str:
    """``description`` with every marker plain and line ends as ``\\n``."""
    return _MARKER.sub(MANAGED_MARKER, description.replace("\r\n", "\n"))


def config_hash(xml: str) -> str:
    """The content hash of a ``config.xml`` (stamped or not).

    Raises:
        ValueError: ``xml`` is not well-formed.
    """
    root = configxml.parse(xml)
    description = root.find("description")
    if description is not None and description.text:
        description.text = unstamped(description.text)
    return configxml.digest(root, HASH_LENGTH)


def stamp(xml: str) -> StampedConfig:
    """Stamp the marker at the end of the description of a rendered ``config.xml``.

    Only the marker's text changes; every other byte stays as rendered.

    Raises:
        ValueError: ``xml`` does not parse, or its description does not end with the
            marker as ``jds render`` writes it.
    """
    root = configxml.parse(xml)
    element = root.find("description")
    text = unstamped(element.text or "") if element is not None else ""
    if not text.endswith(MANAGED_MARKER):
        raise ValueError("its <description> does not end with the jenkins-docker-sdk marker")
    content_hash = config_hash(xml)
    plain_end = xml_text(MANAGED_MARKER) + _DESCRIPTION_END
    if xml.count(plain_end) != 1:
        raise ValueError("its marker is not written the way jds render writes it")
    stamped = xml.replace(plain_end, xml_text(stamped_marker(content_hash)) + _DESCRIPTION_END)
    return StampedConfig(xml=stamped, hash=content_hash, description=text)
