"""Jenkins label expressions, parsed as Jenkins core parses them, and template binding.

The grammar is Jenkins core's (``LabelExpressionLexer.g4`` / ``LabelExpressionParser.g4``),
loosest to tightest: ``<->`` (chains), ``->`` (at most once per level), ``||``, ``&&``,
``!`` (one, before a primary), then parentheses, bare atoms and double-quoted atoms.
A ``-`` belongs to an atom unless ``>`` follows it; only space and tab separate tokens;
matching is case-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

import attrs

from jenkins_docker_sdk.errors import LabelSyntaxError
from jenkins_docker_sdk.models import AgentTemplate

_NOT_IN_BARE_ATOM = frozenset("&|!<>()\"' \t")
_STRING_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    '"': '"',
    "'": "'",
    "\\": "\\",
}
_QUOTE_ESCAPES = {v: "\\" + k for k, v in _STRING_ESCAPES.items() if k != "'"}
_NEEDS_QUOTES = re.compile(r"""[?*/\\%!@#$^&|<>\[\]:;\s()"']|^\.{1,2}$|\.$|^$|->|[\x00-\x1f\x7f]""")


class LabelExpression:
    """A parsed label expression. Build one with :meth:`parse`."""

    precedence: ClassVar[int]

    @staticmethod
    def parse(text: str) -> LabelExpression:
        """Parse ``text`` exactly as Jenkins' ``Label.parseExpression`` does.

        Raises:
            LabelSyntaxError: with ``.expression``, ``.position`` (0-based) and a caret.
        """
        return _Parser(text).parse()

    def matches(self, labels: Iterable[str] | frozenset[str]) -> bool:
        """Whether a node carrying ``labels`` satisfies this expression."""
        return self._eval(labels if isinstance(labels, (set, frozenset)) else frozenset(labels))

    @property
    def atoms(self) -> frozenset[str]:
        """Every atom the expression mentions."""
        raise NotImplementedError

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        raise NotImplementedError

    def _wrap(self, child: LabelExpression, *, right: bool = False) -> str:
        weaker = child.precedence > self.precedence
        same_side = right and child.precedence == self.precedence
        return f"({child})" if weaker or same_side else str(child)


@attrs.frozen(repr=False)
class Atom(LabelExpression):
    """A single label."""

    name: str
    precedence: ClassVar[int] = 0

    @property
    def atoms(self) -> frozenset[str]:
        return frozenset({self.name})

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.name in labels

    def __str__(self) -> str:
        return quote_atom(self.name)

    def __repr__(self) -> str:
        return f"Atom({self.name!r})"


@attrs.frozen(repr=False)
class Not(LabelExpression):
    """``!operand``."""

    operand: LabelExpression
    precedence: ClassVar[int] = 1

    @property
    def atoms(self) -> frozenset[str]:
        return self.operand.atoms

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return not self.operand._eval(labels)

    def __str__(self) -> str:
        inner = str(self.operand)
        return f"!{inner}" if isinstance(self.operand, Atom) else f"!({inner})"

    def __repr__(self) -> str:
        return f"Not({self.operand!r})"


@attrs.frozen(repr=False)
class _Binary(LabelExpression):
    left: LabelExpression
    right: LabelExpression
    operator: ClassVar[str]

    @property
    def atoms(self) -> frozenset[str]:
        return self.left.atoms | self.right.atoms

    def __str__(self) -> str:
        return f"{self._wrap(self.left)} {self.operator} {self._wrap(self.right, right=True)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.left!r}, {self.right!r})"


class And(_Binary):
    """``left && right``."""

    operator = "&&"
    precedence = 2

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) and self.right._eval(labels)


class Or(_Binary):
    """``left || right``."""

    operator = "||"
    precedence = 3

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) or self.right._eval(labels)


class Implies(_Binary):
    """``left -> right`` (not chainable, as in Jenkins)."""

    operator = "->"
    precedence = 4

    def _wrap(self, child: LabelExpression, *, right: bool = False) -> str:
        return f"({child})" if child.precedence >= self.precedence else str(child)

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return not self.left._eval(labels) or self.right._eval(labels)


class Iff(_Binary):
    """``left <-> right``."""

    operator = "<->"
    precedence = 5

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) == self.right._eval(labels)


def quote_atom(name: str) -> str:
    """An atom as it must be written in an expression: bare when Jenkins would not quote it."""
    if not _NEEDS_QUOTES.search(name):
        return name
    return '"' + "".join(_QUOTE_ESCAPES.get(ch, ch) for ch in name) + '"'


@attrs.frozen
class _Token:
    kind: str  # AND OR NOT IMPLIES IFF LPAREN RPAREN ATOM EOF
    text: str
    position: int


_DESCRIPTIONS = {
    "AND": "'&&'", "OR": "'||'", "NOT": "'!'", "IMPLIES": "'->'", "IFF": "'<->'",
    "LPAREN": "'('", "RPAREN": "')'", "ATOM": "a label", "EOF": "the end of the expression",
}  # fmt: skip


class _Parser:
    """Recursive descent over Jenkins' grammar; one token of lookahead."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = list(self._lex())
        self.index = 0

    def fail(self, position: int, message: str) -> LabelSyntaxError:
        return LabelSyntaxError(self.text, position, message)

    def _lex(self) -> Iterable[_Token]:
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            ch = text[i]
            two = text[i : i + 2]
            if ch in " \t":
                i += 1
            elif two in ("&&", "||", "->"):
                yield _Token({"&&": "AND", "||": "OR", "->": "IMPLIES"}[two], two, i)
                i += 2
            elif text.startswith("<->", i):
                yield _Token("IFF", "<->", i)
                i += 3
            elif ch in "!()":
                yield _Token({"!": "NOT", "(": "LPAREN", ")": "RPAREN"}[ch], ch, i)
                i += 1
            elif ch == '"':
                value, i = self._string(i)
                yield _Token("ATOM", value, i)
            elif ch in _NOT_IN_BARE_ATOM:
                hint = {
                    "&": "use '&&'",
                    "|": "use '||'",
                    "'": "quote labels with double quotes",
                }.get(ch)
                raise self.fail(i, f"unexpected {ch!r}" + (f" ({hint})" if hint else ""))
            else:
                start = i
                while i < n and text[i] not in _NOT_IN_BARE_ATOM and not text.startswith("->", i):
                    i += 1
                yield _Token("ATOM", text[start:i], start)
        yield _Token("EOF", "", n)

    def _string(self, start: int) -> tuple[str, int]:
        text, i = self.text, start + 1
        out: list[str] = []
        while i < len(self.text):
            ch = text[i]
            if ch == '"':
                return "".join(out), i + 1
            if ch in "\r\n":
                raise self.fail(i, "line break inside a quoted label")
            if ch == "\\":
                escaped = text[i + 1 : i + 2]
                if escaped not in _STRING_ESCAPES:
                    raise self.fail(i, "unknown escape; accepted: \\b \\t \\n \\f \\r \\\" \\' \\\\")
                out.append(_STRING_ESCAPES[escaped])
                i += 2
                continue
            out.append(ch)
            i += 1
        raise self.fail(start, "unterminated quoted label")

    # grammar ----------------------------------------------------------------------

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self, kind: str, expected: Sequence[str]) -> _Token:
        token = self.peek()
        if token.kind != kind:
            raise self.unexpected(expected)
        self.index += 1
        return token

    def unexpected(self, expected: Sequence[str]) -> LabelSyntaxError:
        token = self.peek()
        found = "end of the expression" if token.kind == "EOF" else repr(token.text)
        wanted = " or ".join(_DESCRIPTIONS[kind] for kind in expected)
        return self.fail(token.position, f"unexpected {found}; expected {wanted}")

    def parse(self) -> LabelExpression:
        if self.peek().kind == "EOF":
            raise self.fail(0, "empty label expression; expected a label")
        expression = self.term_iff()
        if self.peek().kind != "EOF":
            raise self.unexpected(("AND", "OR", "IMPLIES", "IFF", "EOF"))
        return expression

    def term_iff(self) -> LabelExpression:
        left = self.term_implies()
        while self.peek().kind == "IFF":
            self.index += 1
            left = Iff(left, self.term_implies())
        return left

    def term_implies(self) -> LabelExpression:
        left = self.term_or()
        if self.peek().kind == "IMPLIES":
            self.index += 1
            left = Implies(left, self.term_or())
            if self.peek().kind == "IMPLIES":
                raise self.fail(self.peek().position, "'->' does not chain; add parentheses")
        return left

    def term_or(self) -> LabelExpression:
        left = self.term_and()
        while self.peek().kind == "OR":
            self.index += 1
            left = Or(left, self.term_and())
        return left

    def term_and(self) -> LabelExpression:
        left = self.term_not()
        while self.peek().kind == "AND":
            self.index += 1
            left = And(left, self.term_not())
        return left

    def term_not(self) -> LabelExpression:
        if self.peek().kind == "NOT":
            self.index += 1
            if self.peek().kind == "NOT":
                raise self.fail(self.peek().position, "'!!' is not accepted; write '!(!x)'")
            return Not(self.primary())
        return self.primary()

    def primary(self) -> LabelExpression:
        token = self.peek()
        if token.kind == "ATOM":
            self.index += 1
            return Atom(token.text)
        if token.kind == "LPAREN":
            self.index += 1
            inner = self.term_iff()
            self.take("RPAREN", ("RPAREN", "AND", "OR", "IMPLIES", "IFF"))
            return inner
        raise self.unexpected(("ATOM", "LPAREN", "NOT"))


def parse_label_string(text: str) -> frozenset[str]:
    """Parse a node or template label string: whitespace-separated, double quotes group.

    Raises:
        LabelSyntaxError: an unterminated quote or an unknown escape.
    """
    labels: set[str] = set()
    current: list[str] = []
    quoted = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
            i += 1
            continue
        if quoted and ch == "\\":
            escaped = text[i + 1 : i + 2]
            if escaped not in _STRING_ESCAPES:
                raise LabelSyntaxError(text, i, "unknown escape in a quoted label")
            current.append(_STRING_ESCAPES[escaped])
            i += 2
            continue
        if not quoted and ch in " \t\r\n":
            if current:
                labels.add("".join(current))
                current = []
        else:
            current.append(ch)
        i += 1
    if quoted:
        raise LabelSyntaxError(text, text.rfind('"'), "unterminated quoted label")
    if current:
        labels.add("".join(current))
    return frozenset(labels)


@attrs.frozen
class Mismatch:
    """Why a template does not serve an expression: atoms it lacks or has in excess."""

    template: AgentTemplate
    lacks: frozenset[str]
    excess: frozenset[str]

    def __str__(self) -> str:
        parts = []
        if self.lacks:
            parts.append("lacks " + ", ".join(sorted(self.lacks)))
        if self.excess:
            parts.append("has excluded " + ", ".join(sorted(self.excess)))
        return f"{self.template.name} ({'; '.join(parts) or 'does not match'})"


def _templates_tuple(templates: Iterable[AgentTemplate]) -> tuple[AgentTemplate, ...]:
    return tuple(templates)


@attrs.frozen
class LabelResolver:
    """Binds label expressions to the agent templates that satisfy them.

    Templates keep their order: as in docker-plugin, the first match wins. An
    expression-less job is served only by ``normal``-mode templates. Templates are indexed
    by label, so an expression is resolved with set operations over the index rather than
    by evaluating it against every template.
    """

    templates: tuple[AgentTemplate, ...] = attrs.field(converter=_templates_tuple)
    _index: dict[str, frozenset[int]] = attrs.field(init=False, eq=False, repr=False)
    _all: frozenset[int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, set[int]] = {}
        for position, template in enumerate(self.templates):
            for label in template.labels:
                index.setdefault(label, set()).add(position)
        object.__setattr__(self, "_index", {label: frozenset(found) for label, found in index.items()})
        object.__setattr__(self, "_all", frozenset(range(len(self.templates))))

    def resolve(self, expression: LabelExpression | None) -> tuple[AgentTemplate, ...]:
        """The templates that can serve ``expression``, first match first."""
        if expression is None:
            return tuple(t for t in self.templates if t.mode == "normal")
        return tuple(self.templates[i] for i in sorted(self._satisfying(expression)))

    def _satisfying(self, expression: LabelExpression) -> frozenset[int]:
        if isinstance(expression, Atom):
            return self._index.get(expression.name, frozenset())
        if isinstance(expression, Not):
            return self._all - self._satisfying(expression.operand)
        if not isinstance(expression, _Binary):
            raise TypeError(f"not a label expression: {expression!r}")
        left, right = self._satisfying(expression.left), self._satisfying(expression.right)
        if isinstance(expression, And):
            return left & right
        if isinstance(expression, Or):
            return left | right
        if isinstance(expression, Implies):
            return (self._all - left) | right
        return (left & right) | (self._all - (left | right))  # Iff

    def nearest(self, expression: LabelExpression, limit: int = 3) -> tuple[Mismatch, ...]:
        """The templates closest to serving ``expression`` and what each is missing."""
        wanted, unwanted = _polarity(expression)
        mismatches = [
            Mismatch(t, frozenset(wanted - t.labels), frozenset(unwanted & t.labels)) for t in self.templates
        ]
        mismatches.sort(key=lambda m: (len(m.lacks) + len(m.excess), m.template.name))
        return tuple(mismatches[:limit])


def _polarity(expression: LabelExpression, negated: bool = False) -> tuple[set[str], set[str]]:
    """Atoms that appear positively and negatively (under an odd number of ``!``)."""
    if isinstance(expression, Atom):
        return (set(), {expression.name}) if negated else ({expression.name}, set())
    if isinstance(expression, Not):
        return _polarity(expression.operand, not negated)
    if isinstance(expression, _Binary):
        left_pos, left_neg = _polarity(expression.left, negated ^ isinstance(expression, Implies))
        right_pos, right_neg = _polarity(expression.right, negated)
        return left_pos | right_pos, left_neg | right_neg
    return set(), set()
