"""Escaping filters, one set per output language, and the marker types they return.

A template may only emit values of the marker type of its language (see
:mod:`jenkins_docker_sdk.render`): the filters here are the only way to make one, so a
value from a team repository cannot reach generated code without being escaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jenkins_docker_sdk.errors import RenderError


class GroovyCode(str):
    """Groovy source produced by an escaping filter (a literal, list or map)."""

    __slots__ = ()


class XmlText(str):
    """XML character data or attribute text produced by :func:`xml_text`."""

    __slots__ = ()


class YamlValue(str):
    """A YAML flow value produced by :func:`yaml_value`."""

    __slots__ = ()


_GROOVY_ESCAPES = {
    "\\": "\\\\",
    "'": "\\'",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
}


# Everything but printable ASCII, the quote and the backslash needs escaping; a backslash
# followed by 'u' is matched as a pair so that the 'u' can be neutralised.
_GROOVY_UNSAFE = re.compile(r"\\u|[^\x20-\x26\x28-\x5b\x5d-\x7e]")


def _groovy_escape(match: re.Match[str]) -> str:
    text = match.group()
    if text == "\\u":
        return "\\\\\\u0075"
    return _GROOVY_ESCAPES.get(text) or _java_unicode_escape(text)


#: Code points in one Groovy string literal at most. The JVM keeps a string constant in at
#: most 65,535 bytes of modified UTF-8 (a code point takes up to 6), and Groovy refuses a
#: longer one at class generation ("String too long"): a longer value is written in pieces.
GROOVY_LITERAL_LIMIT = 10_000


def groovy_string(value: str) -> str:
    """``value`` as a Groovy expression of exactly that string: no interpolation, ASCII only.

    Up to :data:`GROOVY_LITERAL_LIMIT` code points, one single-quoted literal; a longer value
    is a list of such literals joined, ``['...', '...'].join('')`` (allowed in the script
    security sandbox), so that no constant of the compiled class is too long.
    """
    if len(value) <= GROOVY_LITERAL_LIMIT:
        return groovy_literal(value)
    step = GROOVY_LITERAL_LIMIT
    pieces = ", ".join(groovy_literal(value[start : start + step]) for start in range(0, len(value), step))
    return f"[{pieces}].join('')"


def groovy_literal(value: str) -> str:
    """``value`` as one single-quoted Groovy literal: no interpolation, ASCII only.

    Backslash, quote and control characters are escaped; every other non-printable or
    non-ASCII character becomes a ``\\uXXXX`` escape. Groovy translates ``\\uXXXX``
    before it lexes, so a ``u`` that follows a backslash is itself written as
    ``\\u0075``: ``\\u0027`` in the data can never turn into a quote.
    """
    if "\\u" not in value and _only_common(value):  # the common case, in a few C-speed scans
        for plain, escaped in _GROOVY_COMMON:
            value = value.replace(plain, escaped)
        return "'" + value + "'"
    if "\uffff" in value:
        # Groovy turns \uXXXX escapes into characters before it lexes, and its lexer reads
        # U+FFFF as the end of the input: no spelling of it compiles. Reading refuses it long
        # before; reaching one here is a bug worth hearing about.
        raise RenderError(
            "character U+FFFF cannot be written in Groovy: its lexer reads it as the end of input"
        )
    return "'" + _GROOVY_UNSAFE.sub(_groovy_escape, value) + "'"


def _java_unicode_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _only_common(value: str) -> bool:
    """Whether ``value`` is printable ASCII, tabs and line breaks (C-speed scans, no regex)."""
    return value.isascii() and value.replace("\n", "").replace("\r", "").replace("\t", "").isprintable()


#: The escapes such text needs, as replacements in order (the backslash first).
_GROOVY_COMMON = tuple((ch, _GROOVY_ESCAPES[ch]) for ch in "\\'\n\r\t")


def groovy(value: Any) -> GroovyCode:
    """Any plain value (str, int, float, bool, None, list, mapping) as a Groovy literal."""
    if isinstance(value, GroovyCode):
        return value
    if value is None:
        return GroovyCode("null")
    if isinstance(value, bool):
        return GroovyCode("true" if value else "false")
    if isinstance(value, int):
        return GroovyCode(str(value))
    if isinstance(value, float):
        return GroovyCode(repr(value))
    if isinstance(value, str):
        return GroovyCode(groovy_string(value))
    if isinstance(value, Mapping):
        return groovy_map(value)
    if isinstance(value, Sequence):
        return groovy_list(value)
    raise RenderError(f"no Groovy literal for a {type(value).__name__}")


def groovy_list(values: Sequence[Any]) -> GroovyCode:
    """A Groovy list literal whose items are escaped with :func:`groovy`."""
    return GroovyCode("[" + ", ".join(groovy(v) for v in values) + "]")


def groovy_map(values: Mapping[str, Any]) -> GroovyCode:
    """A Groovy map literal with string keys; keys and values are escaped literals."""
    if not values:
        return GroovyCode("[:]")
    items = ", ".join(f"({groovy_string(str(k))}): {groovy(v)}" for k, v in values.items())
    return GroovyCode("[" + items + "]")


_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "\r": "&#13;"}


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: Any) -> XmlText:
    """``value`` as XML 1.0 text, safe in element content and in quoted attributes.

    Characters XML 1.0 cannot carry at all (control characters other than tab, line feed
    and carriage return) are refused rather than dropped: names and text are validated
    long before, so reaching one here is a bug worth hearing about.
    """
    if isinstance(value, XmlText):
        return value
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value)
    if forbidden := _XML_FORBIDDEN.search(text):
        raise RenderError(f"character U+{ord(forbidden.group()):04X} cannot be written in XML 1.0")
    # a raw CR would be normalised away by XML parsers, so it is written as a reference
    for plain, escaped in _XML_ESCAPES.items():  # "&" first
        if plain in text:
            text = text.replace(plain, escaped)
    return XmlText(text)


def yaml_string(value: str) -> str:
    """``value`` as a double-quoted YAML scalar in pure ASCII (valid YAML 1.1 and 1.2)."""
    if _only_common(value):  # the common case, in a few C-speed scans
        for plain, escaped in _YAML_COMMON:
            value = value.replace(plain, escaped)
        return '"' + value + '"'
    return '"' + "".join(map(_yaml_escape, value)) + '"'


def _yaml_escape(ch: str) -> str:
    if ch in '\\"':
        return "\\" + ch
    if " " <= ch <= "~":
        return ch
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    return f"\\u{ord(ch):04x}" if ord(ch) < 0x10000 else f"\\U{ord(ch):08x}"


_YAML_COMMON = tuple((ch, _yaml_escape(ch)) for ch in '\\"\n\r\t')  # the backslash first


def yaml_value(value: Any) -> YamlValue:
    """Any plain value as a YAML flow value: scalars quoted, lists and maps in flow style."""
    return _flow(value, yaml_string)


def _flow(value: Any, text: Callable[[str], str]) -> YamlValue:
    """``value`` as a YAML flow value, each string (keys too) written by ``text``."""
    if isinstance(value, YamlValue):
        return value
    if value is None:
        return YamlValue("null")
    if isinstance(value, bool):
        return YamlValue("true" if value else "false")
    if isinstance(value, (int, float)):
        return YamlValue(repr(value))
    if isinstance(value, str):
        return YamlValue(text(value))
    if isinstance(value, Mapping):
        return YamlValue("{" + ", ".join(f"{text(str(k))}: {_flow(v, text)}" for k, v in value.items()) + "}")
    if isinstance(value, Sequence):
        return YamlValue("[" + ", ".join(_flow(v, text) for v in value) + "]")
    raise RenderError(f"no YAML value for a {type(value).__name__}")


class CascPlaceholder(str):
    """A ``${VAR}`` that Configuration-as-Code must resolve: :func:`casc_value` keeps its ``${``."""

    __slots__ = ()


def casc_value(value: Any) -> YamlValue:
    """:func:`yaml_value` for Configuration-as-Code files: JCasC resolves ``${...}`` on the
    controller (its environment, its secrets), so every ``${`` in text is written ``^${``,
    JCasC's escape; only a :class:`CascPlaceholder` keeps it."""
    return _flow(value, _casc_string)


def _casc_string(value: str) -> str:
    if isinstance(value, CascPlaceholder):
        return yaml_string(value)
    return yaml_string(value.replace("${", "^${"))
