"""Properties of label expressions and of the resolver, on generated input."""

from __future__ import annotations

from itertools import combinations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk import AgentTemplate, LabelExpression, LabelResolver, LabelSyntaxError, StaticNode
from jenkins_docker_sdk.labels import And, Atom, Iff, Implies, Not, Or

# Atoms that need quotes (spaces, operators, quotes, escapes, control characters, '->',
# trailing '.', the empty atom) next to plain ones.
tricky_atoms = st.one_of(
    st.sampled_from(
        [
            "a",
            "b",
            "java",
            "a-b",
            "-",
            "a-",
            "32bit.dot",
            "a:b",
            "a b",
            "x->y",
            "it's",
            '"q"',
            "back\\slash",
            "tab\there",
            "new\nline",
            "",
            ".",
            "..",
            "end.",
            "(p)",
            "!n",
            "é",
        ]
    ),
    st.text(max_size=6),
)


def expressions(atoms: st.SearchStrategy[str]) -> st.SearchStrategy[LabelExpression]:
    """Expression trees over ``atoms`` with every operator."""
    binary = st.sampled_from([And, Or, Implies, Iff])
    return st.recursive(
        atoms.map(Atom),
        lambda children: st.one_of(
            children.map(Not),
            st.builds(lambda op, left, right: op(left, right), binary, children, children),
        ),
        max_leaves=12,
    )


@given(expressions(tricky_atoms))
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_canonical_text_parses_back_to_the_same_tree(expression: LabelExpression) -> None:
    text = str(expression)
    assert LabelExpression.parse(text) == expression
    assert str(LabelExpression.parse(text)) == text


GARBAGE = st.text(alphabet=st.sampled_from(list("ab-&|!<>()\"'\\ \t\nx")), max_size=20)


@given(GARBAGE)
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_every_syntax_error_points_inside_the_text(text: str) -> None:
    try:
        LabelExpression.parse(text)
    except LabelSyntaxError as exc:
        error = exc
    else:
        return
    assert error.expression == text
    assert 0 <= error.position <= len(text)
    assert str(error).splitlines()[-1] == "    " + " " * error.position + "^"


SMALL_ATOMS = st.sampled_from(["a", "b", "c", "d", "e", "n0", "n1"])  # n0, n1: node names
LABEL_SETS = st.frozensets(st.sampled_from(["a", "b", "c", "d"]), max_size=4)
MODES = st.sampled_from(["normal", "exclusive"])


@st.composite
def farms(draw: st.DrawFn) -> tuple[list[AgentTemplate], list[StaticNode], set[int]]:
    templates = [
        AgentTemplate(name=f"t{i}", team="t", repo="t/r", image="t/r", labels=labels, mode=mode)
        for i, (labels, mode) in enumerate(draw(st.lists(st.tuples(LABEL_SETS, MODES), max_size=8)))
    ]
    nodes = [
        StaticNode(f"n{i}", labels, mode, offline)
        for i, (labels, mode, offline) in enumerate(
            draw(st.lists(st.tuples(LABEL_SETS, MODES, st.booleans()), max_size=2))
        )
    ]
    full = draw(st.sets(st.integers(0, max(0, len(templates) - 1))))
    return templates, nodes, full


@given(farms(), st.one_of(st.none(), expressions(SMALL_ATOMS)))
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_resolve_equals_evaluating_every_template(
    farm: tuple[list[AgentTemplate], list[StaticNode], set[int]], expression: LabelExpression | None
) -> None:
    templates, nodes, full = farm
    at_capacity = {templates[i].name for i in full if i < len(templates)}
    resolver = LabelResolver(templates, nodes, capacity=lambda t: t.name in at_capacity)

    def serves(labels: frozenset[str], mode: str) -> bool:  # the clouds' rule, spelled out
        return mode == "normal" if expression is None else expression.matches(labels)

    matching = [t for t in templates if serves(t.labels, t.mode)]
    expected = [t for t in matching if t.name not in at_capacity]
    expected_nodes = [n for n in nodes if not n.offline and serves(n.labels | {n.name}, n.mode)]

    for query in (expression, None if expression is None else str(expression)):
        resolution = resolver.resolve(query)
        assert list(resolution.templates) == expected
        assert resolution.first == (expected[0] if expected else None)
        assert list(resolution.all_templates) == matching
        assert [t.name for t in resolution.at_capacity] == [t.name for t in matching if t.name in at_capacity]
        assert list(resolution.nodes) == expected_nodes
        assert resolution.servable == bool(matching or expected_nodes)


@given(expressions(st.sampled_from(["a", "b", "c", "d", "e", "f"])), LABEL_SETS)
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_explain_gives_a_smallest_change_that_works(
    expression: LabelExpression, labels: frozenset[str]
) -> None:
    template = AgentTemplate(name="t", team="t", repo="t/r", image="t/r", labels=labels | {"base"})
    verdict = LabelResolver([template]).explain(expression).templates[0]
    atoms = sorted(expression.atoms)
    satisfiable = any(
        expression.matches(set(chosen))
        for size in range(len(atoms) + 1)
        for chosen in combinations(atoms, size)
    )
    if verdict.matches:
        assert expression.matches(template.labels)
        return
    if not satisfiable:
        assert not verdict.lacks
        assert not verdict.excess
        return
    assert verdict.change.exact
    assert verdict.lacks.isdisjoint(template.labels)
    assert verdict.excess <= template.labels
    changed = (template.labels | verdict.lacks) - verdict.excess
    assert expression.matches(changed)
    size = len(verdict.lacks) + len(verdict.excess)
    for smaller in range(size):
        for flips in combinations(atoms, smaller):
            assert not expression.matches(template.labels.symmetric_difference(flips)), flips
