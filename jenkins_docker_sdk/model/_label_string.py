"""A set of labels written as a Jenkins label string, so that ``Label.parse`` reads it back.

Jenkins splits a label string with ``hudson.util.QuotedStringTokenizer`` (see
:mod:`jenkins_docker_sdk.labels`, which reads them): space, tab, line feed and carriage
return separate tokens, double and single quotes group, and a backslash escapes. An atom
holding none of those is written bare; any other is double-quoted.
"""

from __future__ import annotations

from collections.abc import Iterable

DELIMITERS = " \t\n\r"
QUOTES = "\"'"
NEEDS_QUOTES = frozenset(DELIMITERS + QUOTES + "\\")


def quote_label(atom: str) -> str:
    """One atom as a label string token: bare when Jenkins' tokenizer reads it back unchanged."""
    if atom and NEEDS_QUOTES.isdisjoint(atom):
        return atom
    return '"' + atom.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_label_string(atoms: Iterable[str]) -> str:
    """A label string that Jenkins' ``Label.parse`` reads back as exactly ``atoms`` (sorted).

    Atoms with a blank, a quote or a backslash, and the empty atom, are double-quoted with
    ``\\\\`` and ``\\"`` escaped; everything else is written as it is. Jenkins' one
    state-dependent rule still applies: if the whole string names a label atom the
    controller holds, Jenkins reads that atom instead (only possible for atoms with blanks).
    """
    return " ".join(quote_label(atom) for atom in sorted(set(atoms)))
