"""Parse vectors for Jenkins label expressions.

Derived from Jenkins core's grammar (``core/src/main/antlr4/hudson/model/labels/
LabelExpressionLexer.g4`` and ``LabelExpressionParser.g4``) and the cases of its
``LabelExpressionTest.java`` (marked "Jenkins test"). Positions are 0-based, as in the
``line 1:N`` of Jenkins' messages; every position below is the one Jenkins' ANTLR lexer and
parser (built from those grammar files) reported for the same text.
"""

from __future__ import annotations

import pytest

from jenkins_docker_sdk import LabelExpression, LabelSyntaxError
from jenkins_docker_sdk.labels import MAX_NESTING, MAX_OPERATORS, And, Atom, Iff, Implies, Not, Or

a, b, c, d = Atom("a"), Atom("b"), Atom("c"), Atom("d")
foo, bar, zot = Atom("foo"), Atom("bar"), Atom("zot")

VALID: list[tuple[str, LabelExpression]] = [
    # Jenkins test parser1 / parser2
    ("foo", foo),
    ("32bit.dot", Atom("32bit.dot")),
    ("foo||bar", Or(foo, bar)),
    ("foo||bar&&zot", Or(foo, And(bar, zot))),
    ("foo||(bar&&zot)", Or(foo, And(bar, zot))),
    ("(foo||bar)&&zot", And(Or(foo, bar), zot)),
    ("  ( foo || bar )  && zot", And(Or(foo, bar), zot)),
    ("foo ->\tbar", Implies(foo, bar)),
    ("foo -> bar", Implies(foo, bar)),
    ("   foo \t\t ->   bar \t ", Implies(foo, bar)),
    ("!foo <-> bar", Iff(Not(foo), bar)),
    ("aaa&&bbb&&ccc", And(And(Atom("aaa"), Atom("bbb")), Atom("ccc"))),
    # Jenkins test quote: QuotedStringTokenizer.unquote of the string literal
    ('"abc\\\\\\"def"', Atom('abc\\"def')),
    ('"label1||label2"', Atom("label1||label2")),
    # Jenkins tests expression_atom_* / expression_implies* / expression_and* (JENKINS-66613)
    ("a", a),
    ("abc123def", Atom("abc123def")),
    ("a-b", Atom("a-b")),
    ("--a----b-c-", Atom("--a----b-c-")),
    ("--", Atom("--")),
    ("a-->b", Implies(Atom("a-"), b)),
    ("a->-b", Implies(a, Atom("-b"))),
    ("-", Atom("-")),
    ("-1", Atom("-1")),
    ("-abc-", Atom("-abc-")),
    ("a -> b", Implies(a, b)),
    ("a->b", Implies(a, b)),
    ("a && b", And(a, b)),
    ("a&&b", And(a, b)),
    ("solaris-x86", Atom("solaris-x86")),
    # precedence, loosest to tightest: <-> -> || && !
    ("a||b&&c", Or(a, And(b, c))),
    ("a&&b||c", Or(And(a, b), c)),
    ("a&&b||c&&d", Or(And(a, b), And(c, d))),
    ("!a&&b", And(Not(a), b)),
    ("!a||b", Or(Not(a), b)),
    ("a&&!b", And(a, Not(b))),
    ("!(a&&b)", Not(And(a, b))),
    ("a->b||c", Implies(a, Or(b, c))),
    ("a||b->c", Implies(Or(a, b), c)),
    ("a&&b->c&&d", Implies(And(a, b), And(c, d))),
    ("a<->b->c", Iff(a, Implies(b, c))),
    ("a->b<->c", Iff(Implies(a, b), c)),
    ("a<->b||c", Iff(a, Or(b, c))),
    ("!a<->!b", Iff(Not(a), Not(b))),
    ("!a->b", Implies(Not(a), b)),
    # associativity: && || <-> fold from the left; parentheses override
    ("a&&b&&c", And(And(a, b), c)),
    ("a||b||c", Or(Or(a, b), c)),
    ("a<->b<->c", Iff(Iff(a, b), c)),
    ("a&&(b&&c)", And(a, And(b, c))),
    ("a||(b||c)", Or(a, Or(b, c))),
    ("a<->(b<->c)", Iff(a, Iff(b, c))),
    ("(a->b)->c", Implies(Implies(a, b), c)),
    ("a->(b->c)", Implies(a, Implies(b, c))),
    ("(a)", a),
    ("((a))", a),
    ("( ( a ) )", a),
    ("(a)&&(b)", And(a, b)),
    ("!(a)", Not(a)),
    ("!(!a)", Not(Not(a))),
    ("!((a||b))", Not(Or(a, b))),
    # whitespace: only space and tab separate tokens
    ("\ta\t&&\tb\t", And(a, b)),
    ("a\nb", Atom("a\nb")),
    ("a\r\nb", Atom("a\r\nb")),
    ("a\u00a0b", Atom("a\u00a0b")),
    # atoms: every character except & | ! < > ( ) space tab " ' ; '-' unless '>' follows
    ("a.b", Atom("a.b")),
    ("a:b", Atom("a:b")),
    ("a=b", Atom("a=b")),
    ("a/b", Atom("a/b")),
    ("a_b", Atom("a_b")),
    ("a@b", Atom("a@b")),
    ("a#b$c%d", Atom("a#b$c%d")),
    ("a*b?c", Atom("a*b?c")),
    ("a[b]", Atom("a[b]")),
    ("a;b", Atom("a;b")),
    ("a\\b", Atom("a\\b")),
    ("é", Atom("é")),
    ("日本語", Atom("日本語")),
    ("1", Atom("1")),
    (".", Atom(".")),
    ("a-<->b", Iff(Atom("a-"), b)),
    ("a- ->b", Implies(Atom("a-"), b)),
    ("a-&&b", And(Atom("a-"), b)),
    ("!-a", Not(Atom("-a"))),
    # string literals: double quotes, escapes \b \t \n \f \r \" \' \\
    ('"a"', a),
    ('""', Atom("")),
    ('"a b"', Atom("a b")),
    ('"a\\tb"', Atom("a\tb")),
    ('"a\\nb"', Atom("a\nb")),
    ('"\\b\\f\\r"', Atom("\b\f\r")),
    ('"it\\\'s"', Atom("it's")),
    ('"it\'s"', Atom("it's")),
    ('"a && b"', Atom("a && b")),
    ('"(a)"', Atom("(a)")),
    ('"a->b"', Atom("a->b")),
    ('"a\tb"', Atom("a\tb")),
    ('"a"&&"b"', And(a, b)),
    ('!"a b"', Not(Atom("a b"))),
    ('("a")', a),
    ('"lucene.zones.apache.org (Solaris 10)"', Atom("lucene.zones.apache.org (Solaris 10)")),
]

INVALID: list[tuple[str, int]] = [
    # Jenkins test parserError (the N of "line 1:N")
    ("foo bar", 4),
    ("foo (bar)", 4),
    ("foo(bar)", 3),
    ("a <- b", 2),
    ("a -< b", 3),
    ("a - b", 2),
    ("->", 0),
    ("-<", 1),
    ("-!", 1),
    # Jenkins tests laxParsing / dataCompatibilityWithHostNameWithWhitespace: getLabel() falls
    # back to one atom, Label.parseExpression() refuses them (and so do we)
    ("lucene.zones.apache.org (Solaris 10)", 24),
    ("abc def", 4),
    ("a:b c", 4),
    # empty, and operators without operands
    ("", 0),
    ("   ", 3),
    ("&&", 0),
    ("a&&", 3),
    ("a ||", 4),
    ("a->", 3),
    ("a<->", 4),
    ("!", 1),
    ("a && !", 6),
    ("&&a", 0),
    ("a&&&&b", 3),
    ("a||||b", 3),
    ("a&&||b", 3),
    # NOT applies to one primary, once
    ("!!a", 1),
    ("!!!a", 1),
    ("a!b", 1),
    ("a!", 1),
    # -> does not chain
    ("a->b->c", 4),
    ("a -> b -> c", 7),
    ("a->b||c->d", 7),
    # parentheses
    ("()", 1),
    ("(a", 2),
    ("((a)", 4),
    ("a)", 1),
    ("(a))", 3),
    (")", 0),
    ("(a)(b)", 3),
    ("a (", 2),
    # characters no token starts with
    ("a & b", 2),
    ("a | b", 2),
    ("a>b", 1),
    ("a=>b", 2),
    ("a<b", 1),
    ("a<-->b", 1),
    ("'a'", 0),
    ("a'b", 1),
    # string literals: ANTLR reports a literal it cannot read at its opening quote, whatever
    # is wrong inside (an unknown escape, a line break, no closing quote)
    ('"abc', 0),
    ('a && "b', 5),
    ('"a\\qb"', 0),
    ('x && "a\\qb"', 5),
    ('"\\u0041"', 0),
    ('"a\\', 0),
    ('"a\nb"', 0),
    ('"a\rb"', 0),
    ('"ok" && "a\\q" && "b', 8),
    # Jenkins lexes as it parses and looks one token past a grammar error before reporting
    # it: a bad token right after the error (or at it) is reported instead, one further on not
    ('a b "x\\q"', 4),
    ("a b &", 4),
    ('a b c "x\\q"', 2),
    ('a b c "d', 2),
    ("a b c &", 2),
    ('"x\\q" b', 0),
    ('a && "b" "c\\q"', 9),
    ('(a "b\\q"', 3),
    ('a && ( && "b\\q"', 10),
    ('!!"a\\q"', 2),
    ('a -> b -> "c\\q"', 10),
    ('a -> b -> c "d\\q"', 7),
    ('"a""b"', 3),
    ('"a"b', 3),
    ('a"b"', 1),
]


@pytest.mark.parametrize(("text", "tree"), VALID, ids=[repr(text) for text, _ in VALID])
def test_valid_expression_parses_to_the_jenkins_tree(text: str, tree: LabelExpression) -> None:
    assert LabelExpression.parse(text) == tree


@pytest.mark.parametrize(("text", "position"), INVALID, ids=[repr(text) for text, _ in INVALID])
def test_invalid_expression_is_refused_at_the_jenkins_column(text: str, position: int) -> None:
    with pytest.raises(LabelSyntaxError) as caught:
        LabelExpression.parse(text)
    assert caught.value.position == position
    assert caught.value.expression == text
    assert f"at column {position + 1}" in str(caught.value)


def test_there_are_at_least_100_vectors() -> None:
    assert len(VALID) + len(INVALID) >= 100


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("foo||bar&&zot", "foo || bar && zot"),
        ("(foo||bar)&&zot", "(foo || bar) && zot"),
        ("a&&(b&&c)", "a && (b && c)"),
        ("(a->b)->c", "(a -> b) -> c"),
        ("a<->(b<->c)", "a <-> (b <-> c)"),
        ("!(!a)", "!(!a)"),
        ("a:b", '"a:b"'),  # Jenkins renders atoms that fail checkGoodName quoted
        ('"a b"&&c', '"a b" && c'),
        ('"a\\tb"', '"a\\tb"'),
        ('"it\'s"', '"it\'s"'),
        ('""', '""'),
        ("a.", '"a."'),
        ("a-->b", "a- -> b"),
        ("a->-b", "a -> -b"),
    ],
)
def test_canonical_text(text: str, canonical: str) -> None:
    expression = LabelExpression.parse(text)
    assert str(expression) == canonical
    assert LabelExpression.parse(canonical) == expression


def test_size_limits_give_a_positioned_error_instead_of_exhausting_the_stack() -> None:
    deep = "(" * MAX_NESTING + "a" + ")" * MAX_NESTING
    assert LabelExpression.parse(deep) == a
    with pytest.raises(LabelSyntaxError, match="levels of parentheses") as caught:
        LabelExpression.parse("(" + deep + ")")
    assert caught.value.position == MAX_NESTING

    longest = " && ".join(f"a{i}" for i in range(MAX_OPERATORS + 1))
    expression = LabelExpression.parse(longest)
    assert LabelExpression.parse(str(expression)) == expression
    assert expression.matches({f"a{i}" for i in range(MAX_OPERATORS + 1)})
    with pytest.raises(LabelSyntaxError, match="operators") as caught:
        LabelExpression.parse(longest + " && z")
    assert caught.value.position == len(longest) + 1
