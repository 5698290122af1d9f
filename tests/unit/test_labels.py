"""Label expressions follow Jenkins core's grammar and evaluation."""

from __future__ import annotations

import pytest

from jenkins_docker_sdk import (
    AgentTemplate,
    LabelExpression,
    LabelResolver,
    LabelSyntaxError,
    parse_label_string,
)
from jenkins_docker_sdk.labels import And, Atom, Iff, Implies, Not, Or


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("a", Atom("a")),
        ("a&&b||c", Or(And(Atom("a"), Atom("b")), Atom("c"))),
        ("a||b&&c", Or(Atom("a"), And(Atom("b"), Atom("c")))),
        ("!a&&b", And(Not(Atom("a")), Atom("b"))),
        ("a->b||c", Implies(Atom("a"), Or(Atom("b"), Atom("c")))),
        ("a<->b->c", Iff(Atom("a"), Implies(Atom("b"), Atom("c")))),
        ("a<->b<->c", Iff(Iff(Atom("a"), Atom("b")), Atom("c"))),
        # Jenkins' atom rules: '-' belongs to the atom unless '>' follows
        ("a-b", Atom("a-b")),
        ("--a----b-c-", Atom("--a----b-c-")),
        ("a-->b", Implies(Atom("a-"), Atom("b"))),
        ("a->-b", Implies(Atom("a"), Atom("-b"))),
        ("32bit.dot", Atom("32bit.dot")),
        ('"a b" && "c\\"d"', And(Atom("a b"), Atom('c"d'))),
        ("( a )", Atom("a")),
        ("!(!a)", Not(Not(Atom("a")))),
    ],
)
def test_parses_as_jenkins_does(text: str, tree: LabelExpression) -> None:
    assert LabelExpression.parse(text) == tree


@pytest.mark.parametrize(
    ("text", "position", "says"),
    [
        ("a -> b -> c", 7, "does not chain"),
        ("!!a", 1, "'!!' is not accepted"),
        ("foo bar", 4, "expected '&&'"),
        ("foo(bar)", 3, "unexpected '('"),
        ("a & b", 2, "use '&&'"),
        ("a &&", 4, "end of the expression"),
        ("(a", 2, "expected ')'"),
        ('"abc', 0, "unterminated"),
        ("'a'", 0, "double quotes"),
        ("a <- b", 2, "unexpected '<'"),
        ("", 0, "empty"),
    ],
)
def test_syntax_errors_point_at_the_column(text: str, position: int, says: str) -> None:
    with pytest.raises(LabelSyntaxError) as caught:
        LabelExpression.parse(text)
    assert caught.value.position == position
    assert caught.value.expression == text
    assert says in str(caught.value)
    assert str(caught.value).splitlines()[-1] == "    " + " " * position + "^"


@pytest.mark.parametrize(
    "text",
    ["a && b || !c", "a && (b || c)", "(a -> b) -> c", "a && (b && c)", '"x y" || "a:b"', "!(a && b) <-> c"],
)
def test_canonical_form_reparses_to_the_same_expression(text: str) -> None:
    expression = LabelExpression.parse(text)
    assert LabelExpression.parse(str(expression)) == expression


def test_matching_is_case_sensitive_and_boolean() -> None:
    expression = LabelExpression.parse("linux && (java || jdk) && !windows")
    assert expression.matches({"linux", "java"})
    assert not expression.matches({"Linux", "java"})
    assert not expression.matches({"linux", "java", "windows"})
    assert LabelExpression.parse("a -> b").matches(set())
    assert not LabelExpression.parse("a <-> b").matches({"a"})
    assert expression.atoms == {"linux", "java", "jdk", "windows"}


def test_label_strings_split_on_whitespace_and_honour_quotes() -> None:
    assert parse_label_string(' java  "two words"\tlinux\n') == {"java", "two words", "linux"}
    assert parse_label_string('java "open') == {"java", "open"}  # as Jenkins reads it
    with pytest.raises(LabelSyntaxError):
        parse_label_string('java "open', strict=True)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('a && "lin\\qux"', "unknown escape \\q (column 10; accepted: "),
        ('"a\nb"', "line break (column 3) in the quoted label that starts at column 1"),
        ('"a\\', "unterminated quoted label at column 1"),
    ],
)
def test_a_bad_quoted_label_is_reported_at_its_quote_and_says_what_is_wrong_inside(
    text: str, says: str
) -> None:
    with pytest.raises(LabelSyntaxError) as caught:
        LabelExpression.parse(text)
    assert caught.value.position == text.index('"')
    assert says in str(caught.value)


def _template(name: str, labels: set[str], mode: str = "exclusive") -> AgentTemplate:
    return AgentTemplate(name=name, team="t", repo="t/r", image="t/r", labels=frozenset(labels), mode=mode)  # type: ignore[arg-type]


def test_resolver_keeps_template_order_and_serves_unlabeled_jobs_from_normal_templates() -> None:
    first = _template("first", {"java", "linux"})
    second = _template("second", {"java", "linux", "maven"}, mode="normal")
    resolver = LabelResolver([first, second])
    assert resolver.resolve(LabelExpression.parse("java")).templates == (first, second)
    assert resolver.resolve(None).templates == (second,)
    assert resolver.resolve(LabelExpression.parse("windows")).templates == ()


def test_nearest_names_the_missing_and_excluded_atoms() -> None:
    resolver = LabelResolver([_template("web", {"node20", "web"}), _template("java", {"java", "linux"})])
    nearest = resolver.nearest(LabelExpression.parse("java && linux && teamB && !web"))
    assert str(nearest[0]) == "java (lacks teamB)"
    assert str(nearest[1]) == "web (lacks java, linux, teamB; has excluded web)"
