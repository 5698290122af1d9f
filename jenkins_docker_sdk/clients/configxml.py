"""Comparing Jenkins ``config.xml`` documents by what they say, not how they are written.

Jenkins does not hand back a job's ``config.xml`` byte for byte as it was posted: the XML
declaration is rewritten (``version='1.1'``), a later save re-serialises the job through
XStream, and plugin attributes gain versions (``plugin="workflow-job@1400.v…"``). The
canonical form used here ignores exactly those differences, and nothing else:

- the XML declaration, attribute order and quoting, character references;
- whitespace-only text between elements (indentation);
- ``plugin`` attributes, which only record which plugin (and version) wrote an element;
- ``\\r\\n`` against ``\\n`` in text (browsers send form fields with ``\\r\\n``).

Any other difference (an element, an attribute, a character of text) is a difference.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET
from typing import Any

_PLUGIN = "plugin"


def parse(xml: str) -> ET.Element:
    """Parse ``xml`` (a whole document, declaration allowed).

    Raises:
        ValueError: the text is not well-formed XML.
    """
    try:
        return ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from exc


def canonical(root: ET.Element) -> str:
    """A text form of ``root`` that is equal for two documents exactly when they say the same."""
    return json.dumps(_shape(root), ensure_ascii=False, separators=(",", ":"))


def digest(root: ET.Element, length: int) -> str:
    """The first ``length`` hex digits of the SHA-256 of :func:`canonical`."""
    return hashlib.sha256(canonical(root).encode("utf-8")).hexdigest()[:length]


def same_config(first: str, second: str) -> bool:
    """Whether two ``config.xml`` texts say the same (False if either does not parse)."""
    try:
        return canonical(parse(first)) == canonical(parse(second))
    except ValueError:
        return False


def _shape(element: ET.Element) -> list[Any]:
    attributes = {name: value for name, value in sorted(element.attrib.items()) if name != _PLUGIN}
    children = list(element)
    text = _text(element.text)
    if children:
        mixed = [text.strip()] + [_text(child.tail).strip() for child in children]
        return [element.tag, attributes, [_shape(child) for child in children], mixed]
    return [element.tag, attributes, text]


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n")
