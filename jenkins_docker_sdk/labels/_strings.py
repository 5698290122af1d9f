"""Node label strings ("linux java 'my label'"), split and written as Jenkins core reads them.

A node's or a cloud template's ``labelString`` is not a label expression: Jenkins splits it
with ``Label.parse``, which runs ``hudson.util.QuotedStringTokenizer`` with its defaults.
That tokenizer:

- separates tokens by space, tab, line feed and carriage return (nothing else);
- groups with double *and* single quotes, anywhere in a token (``bar="a b"`` is ``bar=a b``);
  a quote left open runs to the end of the text, and an empty pair (``""``) is a token;
- inside a token or a quote, takes a backslash before ``\\``, ``"``, ``'`` or a space as
  that character and keeps it before anything else (``\\n`` stays two characters; there is
  no control-character escape), drops a backslash that ends the text, and takes a
  backslash that *starts* a token literally, escaping nothing.

One more rule of ``Label.parse`` depends on the controller: a label string that is, as a
whole, the name of a label atom Jenkins already holds is that one atom (``known_atoms``).
"""

from __future__ import annotations

from collections.abc import Collection

from jenkins_docker_sdk.errors import LabelSyntaxError
from jenkins_docker_sdk.model import LABEL_DELIMITERS, LABEL_QUOTES

_DELIMITERS = LABEL_DELIMITERS
_QUOTES = LABEL_QUOTES
_ESCAPABLE = "\\\"' "  # QuotedStringTokenizer.ESCAPABLE_CHARS


def parse_label_string(
    text: str, *, known_atoms: Collection[str] = frozenset(), strict: bool = False
) -> frozenset[str]:
    """The label atoms Jenkins' ``Label.parse`` reads from a label string.

    Args:
        text: the label string.
        known_atoms: label atoms the controller already holds (every node's name is one):
            a ``text`` equal to one of them is that single atom, as in Jenkins.
        strict: refuse what Jenkins reads silently but is almost surely a slip: a quote
            left open, or a backslash that ends the text.

    Raises:
        LabelSyntaxError: only when ``strict``, with the position of the quote or backslash.
    """
    if text and text in known_atoms:
        return frozenset({text})
    atoms: set[str] = set()
    token: list[str] = []
    started = False  # inside a token (the tokenizer's states 1 to 3)
    has_token = False  # a token will be returned: every character after its start sets it
    quote = ""  # the quote character we are inside, if any
    opened = 0  # where that quote opened
    escape = False
    for i, ch in enumerate(text):
        if not started:
            if ch in _DELIMITERS:
                continue
            started = True
            if ch in _QUOTES:
                quote, opened = ch, i  # a quote alone at the very end makes no token
            else:
                token.append(ch)  # a backslash here is literal, as in Jenkins
                has_token = True
            continue
        has_token = True
        if escape:
            escape = False
            token.append(ch if ch in _ESCAPABLE else "\\" + ch)
        elif quote:
            if ch == quote:
                quote = ""
            elif ch == "\\":
                escape = True
            else:
                token.append(ch)
        elif ch in _DELIMITERS:
            atoms.add("".join(token))
            token, started, has_token = [], False, False
        elif ch in _QUOTES:
            quote, opened = ch, i
        elif ch == "\\":
            escape = True
        else:
            token.append(ch)
    if strict and quote:
        raise LabelSyntaxError(text, opened, "unterminated quoted label")
    if strict and escape:
        raise LabelSyntaxError(text, len(text) - 1, "a backslash ends the label string, escaping nothing")
    if has_token:
        atoms.add("".join(token))
    return frozenset(atoms)
