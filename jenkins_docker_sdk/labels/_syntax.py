"""The Jenkins label expression language: parsed as Jenkins core parses it, written back canonically.

The grammar is Jenkins core's (``LabelExpressionLexer.g4`` / ``LabelExpressionParser.g4``),
loosest to tightest: ``<->`` (chains), ``->`` (at most once per level), ``||``, ``&&``,
``!`` (one, before a primary), then parentheses, bare atoms and double-quoted atoms.
A ``-`` belongs to an atom unless ``>`` follows it; only space and tab separate tokens;
matching is case-sensitive.

Two deliberate differences from Jenkins: an unparsable expression is an error (Jenkins'
``getLabel`` falls back to reading it as one atom), and an expression may hold at most
``MAX_OPERATORS`` operators and ``MAX_NESTING`` levels of parentheses, so that no input can
exhaust the interpreter's stack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import ClassVar

import attrs

from jenkins_docker_sdk.errors import LabelSyntaxError

#: Most operators (``&& || -> <-> !``) one expression may hold.
MAX_OPERATORS = 256
#: Deepest nesting of parentheses in one expression.
MAX_NESTING = 32

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
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)

# Blanks, then one token: a bare atom, an operator, a quoted atom, or any other single
# character (which no token can start with: an error). Group 1 is the token's text.
_TOKEN = re.compile(
    r"[ \t]*("
    r"(?:[^&|!<>()\"' \t-]+|-(?!>))+"
    r"|&&|\|\||->|<->|[!()]"
    r"|\"(?:\\[btnfr\"'\\]|[^\\\"\r\n])*\""
    r"|[^ \t])",
    re.DOTALL,
)
_OPERATORS = ("&&", "||", "->", "<->", "!")
_BAD_TOKENS = frozenset("&|<>'\"")  # single characters that start no token
_NOT_ATOMS = frozenset({*_OPERATORS, "(", ")", "", *_BAD_TOKENS})  # "" ends the token list
_ACCEPTED_ESCAPES = "accepted: \\b \\t \\n \\f \\r \\\" \\' \\\\"
_BAD_HINTS = {
    "&": "use '&&'",
    "|": "use '||'",
    "'": "quote labels with double quotes",
    "<": "the only operator starting with '<' is '<->'",
    ">": "'>' only appears in '->' and '<->'",
}
_DESCRIPTIONS = {
    "&&": "'&&'", "||": "'||'", "!": "'!'", "->": "'->'", "<->": "'<->'",
    "(": "'('", ")": "')'", "ATOM": "a label", "EOF": "the end of the expression",
}  # fmt: skip


_PARSED: dict[str, LabelExpression] = {}  # text -> its expression (see LabelExpression.parse)
_PARSED_LIMIT = 100_000


class LabelExpression:
    """A parsed label expression. Build one with :meth:`parse`.

    Expressions are immutable values: equal trees compare and hash equal, and ``str()``
    gives a canonical text that parses back to the same tree.
    """

    precedence: ClassVar[int]

    @staticmethod
    def parse(text: str) -> LabelExpression:
        """Parse ``text`` exactly as Jenkins' ``Label.parseExpression`` does.

        Expressions are immutable, so each distinct text is parsed once per process (the
        farm's labels are parsed where they are read and again where they are bound).

        Raises:
            LabelSyntaxError: with ``.expression``, ``.position`` (0-based) and a caret.
        """
        found = _PARSED.get(text)
        if found is None:
            found = _Parser(text).parse()
            if len(_PARSED) >= _PARSED_LIMIT:
                _PARSED.clear()
            _PARSED[text] = found
        return found

    def canonical(self) -> str:
        """``str(self)``, remembered so that parsing that text again costs a lookup."""
        text = str(self)
        if len(_PARSED) < _PARSED_LIMIT:
            _PARSED.setdefault(text, self)
        return text

    def matches(self, labels: Iterable[str] | frozenset[str]) -> bool:
        """Whether a node carrying ``labels`` satisfies this expression."""
        return self._eval(labels if isinstance(labels, (set, frozenset)) else frozenset(labels))

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        """Evaluate over many label sets at once, each one bit of an integer.

        Args:
            index: for each atom, the bits of the label sets that carry it.
            universe: the bits of every label set.

        Returns:
            The bits of the label sets that satisfy the expression.
        """
        raise NotImplementedError

    @property
    def atoms(self) -> frozenset[str]:
        """Every atom the expression mentions."""
        raise NotImplementedError

    @property
    def operands(self) -> tuple[LabelExpression, ...]:
        """The sub-expressions, left to right (none for an atom)."""
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

    @property
    def operands(self) -> tuple[LabelExpression, ...]:
        return ()

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return index.get(self.name, 0)

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

    @property
    def operands(self) -> tuple[LabelExpression, ...]:
        return (self.operand,)

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return universe ^ self.operand.bitmask(index, universe)

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

    @property
    def operands(self) -> tuple[LabelExpression, ...]:
        return (self.left, self.right)

    def __str__(self) -> str:
        return f"{self._wrap(self.left)} {self.operator} {self._wrap(self.right, right=True)}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.left!r}, {self.right!r})"


class And(_Binary):
    """``left && right``."""

    operator = "&&"
    precedence = 2

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return self.left.bitmask(index, universe) & self.right.bitmask(index, universe)

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) and self.right._eval(labels)


class Or(_Binary):
    """``left || right``."""

    operator = "||"
    precedence = 3

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return self.left.bitmask(index, universe) | self.right.bitmask(index, universe)

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) or self.right._eval(labels)


class Implies(_Binary):
    """``left -> right`` (not chainable, as in Jenkins)."""

    operator = "->"
    precedence = 4

    def _wrap(self, child: LabelExpression, *, right: bool = False) -> str:
        return f"({child})" if child.precedence >= self.precedence else str(child)

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return (universe ^ self.left.bitmask(index, universe)) | self.right.bitmask(index, universe)

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return not self.left._eval(labels) or self.right._eval(labels)


class Iff(_Binary):
    """``left <-> right``."""

    operator = "<->"
    precedence = 5

    def bitmask(self, index: Mapping[str, int], universe: int) -> int:
        return universe ^ self.left.bitmask(index, universe) ^ self.right.bitmask(index, universe)

    def _eval(self, labels: frozenset[str] | set[str]) -> bool:
        return self.left._eval(labels) == self.right._eval(labels)


_BINARY = {"&&": And, "||": Or, "->": Implies, "<->": Iff}


def quote_atom(name: str) -> str:
    """An atom as it must be written in an expression: bare when Jenkins would not quote it."""
    if not _NEEDS_QUOTES.search(name):
        return name
    return '"' + "".join(_QUOTE_ESCAPES.get(ch, ch) for ch in name) + '"'


def _unescape(match: re.Match[str]) -> str:
    return _STRING_ESCAPES[match.group(1)]


class _Parser:
    """Recursive descent over Jenkins' grammar, on the token texts of one regular expression.

    Tokens are kept as their text (an operator is its own text, an atom is anything else,
    ``""`` ends the list); their positions are only worked out when there is an error.

    The first error is the one Jenkins reports. Its lexer runs as its parser asks for tokens,
    and on a syntax error ANTLR's error strategy looks one token further (``singleTokenDeletion``)
    before reporting it: so a character no token starts with (``self.bad``) is reported
    instead of a grammar error at the token before it or at it, and after a grammar error
    further left. Tokens after the bad one are never read.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = _TOKEN.findall(text)
        self.index = 0
        self._positions: list[int] | None = None
        self.bad: int | None = None
        if not _BAD_TOKENS.isdisjoint(self.tokens):
            self.bad = next(i for i, t in enumerate(self.tokens) if t in _BAD_TOKENS)
            del self.tokens[self.bad + 1 :]
        self._check_limits()
        self.tokens.append("")

    def fail(self, position: int, message: str) -> LabelSyntaxError:
        return LabelSyntaxError(self.text, position, message)

    def position(self, index: int) -> int:
        """Where token ``index`` starts (the end of the text for the end of the list)."""
        if self._positions is None:
            self._positions = [match.start(1) for match in _TOKEN.finditer(self.text)]
        return self._positions[index] if index < len(self._positions) else len(self.text)

    def _check_limits(self) -> None:
        tokens = self.tokens
        if sum(map(tokens.count, _OPERATORS)) > MAX_OPERATORS:
            seen = 0
            for i, token in enumerate(tokens):
                seen += token in _OPERATORS
                if seen > MAX_OPERATORS:
                    raise self.fail(
                        self.position(i), f"more than {MAX_OPERATORS} operators in one expression"
                    )
        if tokens.count("(") > MAX_NESTING:
            depth = 0
            for i, token in enumerate(tokens):
                depth += (token == "(") - (token == ")")
                if depth > MAX_NESTING:
                    raise self.fail(self.position(i), f"more than {MAX_NESTING} levels of parentheses")

    def _bad(self, index: int) -> LabelSyntaxError:
        """The error for the character no token can start with, where Jenkins' lexer reports it.

        ANTLR reports a token it cannot read at the token's start: a bad quoted label at its
        opening quote, whatever inside it is wrong (the message says what and where).
        """
        position = self.position(index)
        ch = self.text[position]
        if ch != '"':
            hint = _BAD_HINTS.get(ch)
            return self.fail(position, f"unexpected {ch!r}" + (f" ({hint})" if hint else ""))
        i = position + 1
        while i < len(self.text):
            ch = self.text[i]
            if ch == '"':
                break
            if ch in "\r\n":
                return self.fail(position, f"line break (column {i + 1}) in the quoted label that starts")
            if ch == "\\":
                escape = self.text[i : i + 2]
                if escape == "\\":
                    break
                if escape[1] not in _STRING_ESCAPES:
                    return self.fail(
                        position,
                        f"unknown escape {escape} (column {i + 1}; {_ACCEPTED_ESCAPES}) "
                        "in the quoted label that starts",
                    )
                i += 1
            i += 1
        return self.fail(position, "unterminated quoted label")

    # grammar ----------------------------------------------------------------------

    def unexpected(self, expected: Iterable[str]) -> LabelSyntaxError:
        token = self.tokens[self.index]
        found = repr(token) if token else "end of the expression"
        wanted = " or ".join(_DESCRIPTIONS[k] for k in expected)
        return self.fail(self.position(self.index), f"unexpected {found}; expected {wanted}")

    def parse(self) -> LabelExpression:
        try:
            return self._expression()
        except LabelSyntaxError:
            if self.bad is not None and self.index + 1 >= self.bad:
                raise self._bad(self.bad) from None
            raise

    def _expression(self) -> LabelExpression:
        if not self.tokens[0]:
            raise self.fail(len(self.text), "empty label expression; expected a label")
        expression = self.term_iff()
        if self.tokens[self.index]:
            raise self.unexpected(("&&", "||", "->", "<->", "EOF"))
        return expression

    def term_iff(self) -> LabelExpression:
        left = self.term_implies()
        while self.tokens[self.index] == "<->":
            self.index += 1
            left = Iff(left, self.term_implies())
        return left

    def term_implies(self) -> LabelExpression:
        left = self.term_or()
        if self.tokens[self.index] == "->":
            self.index += 1
            left = Implies(left, self.term_or())
            if self.tokens[self.index] == "->":
                raise self.fail(self.position(self.index), "'->' does not chain; add parentheses")
        return left

    def term_or(self) -> LabelExpression:
        left = self.term_and()
        while self.tokens[self.index] == "||":
            self.index += 1
            left = Or(left, self.term_and())
        return left

    def term_and(self) -> LabelExpression:
        left = self.term_not()
        while self.tokens[self.index] == "&&":
            self.index += 1
            left = And(left, self.term_not())
        return left

    def term_not(self) -> LabelExpression:
        if self.tokens[self.index] == "!":
            self.index += 1
            if self.tokens[self.index] == "!":
                raise self.fail(self.position(self.index), "'!!' is not accepted; write '!(!x)'")
            return Not(self.primary())
        return self.primary()

    def primary(self) -> LabelExpression:
        token = self.tokens[self.index]
        if token not in _NOT_ATOMS:
            self.index += 1
            if token[0] != '"':
                return Atom(token)
            value = token[1:-1]
            return Atom(_ESCAPE.sub(_unescape, value) if "\\" in value else value)
        if token == "(":
            self.index += 1
            inner = self.term_iff()
            if self.tokens[self.index] != ")":
                raise self.unexpected((")", "&&", "||", "->", "<->"))
            self.index += 1
            return inner
        raise self.unexpected(("ATOM", "(", "!"))
