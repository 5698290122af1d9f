"""LabelResolver: the clouds' matching rules, capacity, static nodes, explanations, from_jenkins."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest

from jenkins_docker_sdk import AgentTemplate, InputError, LabelExpression, LabelResolver, StaticNode
from jenkins_docker_sdk.clients import JenkinsNodesClient
from jenkins_docker_sdk.labels import MAX_EXACT_ATOMS, instance_cap_reached


def template(name: str, labels: str, mode: str = "exclusive") -> AgentTemplate:
    return AgentTemplate(
        name=name, team="t", repo=f"t/{name}", image=f"t/{name}", labels=labels.split(), mode=mode
    )  # type: ignore[arg-type]


JAVA = template("java", "linux java maven")
JAVA_NORMAL = template("java-normal", "linux java", mode="normal")
WEB = template("web", "linux node20 web")
WINDOWS = template("win", "windows java")


def test_first_match_wins_in_template_order_and_unlabeled_jobs_go_to_normal_templates() -> None:
    resolver = LabelResolver([JAVA, JAVA_NORMAL, WEB, WINDOWS])
    resolution = resolver.resolve("java && linux")
    assert resolution.templates == (JAVA, JAVA_NORMAL)
    assert resolution.first == JAVA
    assert resolver.resolve(None).templates == (JAVA_NORMAL,)  # exclusive templates never
    assert resolver.resolve("java && !linux").first == WINDOWS
    assert resolver.resolve("gpu").templates == ()
    assert resolver.resolve("gpu").first is None
    assert not resolver.resolve("gpu").servable


def test_templates_at_capacity_are_skipped_but_still_listed() -> None:
    full = {"java"}
    calls: list[str] = []

    def at_capacity(t: AgentTemplate) -> bool:
        calls.append(t.name)
        return t.name in full

    resolver = LabelResolver([JAVA, JAVA_NORMAL, WEB], capacity=at_capacity)
    resolution = resolver.resolve("java")
    assert resolution.first == JAVA_NORMAL
    assert resolution.templates == (JAVA_NORMAL,)
    assert resolution.at_capacity == (JAVA,)
    assert resolution.all_templates == (JAVA, JAVA_NORMAL)
    assert calls == ["java", "java-normal"]  # only matching templates are asked
    full.add("java-normal")
    assert resolver.resolve("java").first is None  # asked again on every resolve, never cached
    assert resolver.resolve("java").servable

    explanation = resolver.explain("java")
    assert [(v.name, v.matches, v.at_capacity, v.winner) for v in explanation.templates] == [
        ("java", True, True, False),
        ("java-normal", True, True, False),
        ("web", False, False, False),
    ]
    assert explanation.winner is None
    assert "every matching template is at capacity" in explanation.to_text()


def test_instance_caps_as_a_capacity_check() -> None:
    capped = attrs.evolve(JAVA, instance_cap=2)
    resolver = LabelResolver(
        [capped, JAVA_NORMAL], capacity=instance_cap_reached({"java": 2, "java-normal": 99})
    )
    assert resolver.resolve("java").first == JAVA_NORMAL  # java-normal has no cap
    assert LabelResolver([capped], capacity=instance_cap_reached({"java": 1})).resolve("java").first == capped


def test_static_nodes_carry_their_name_and_follow_their_mode() -> None:
    builder = StaticNode("builder-1", frozenset({"linux", "java"}), "exclusive")
    spare = StaticNode("spare", frozenset({"linux"}), "normal")
    gone = StaticNode("gone", frozenset({"linux", "java"}), "normal", offline=True)
    resolver = LabelResolver([WEB], [builder, spare, gone])
    assert resolver.resolve("builder-1").nodes == (builder,)  # the self-label
    assert resolver.resolve("java").nodes == (builder,)  # offline nodes serve nothing
    assert resolver.resolve("java").templates == ()
    assert resolver.resolve("java").servable
    assert resolver.resolve(None).nodes == (spare,)  # exclusive nodes never take unlabeled jobs
    assert resolver.resolve("linux").nodes == (builder, spare)
    assert resolver.resolve("linux").first == WEB

    text = resolver.explain("java").to_text()
    assert "winner: none: no template matches\nstatic nodes that can take it: builder-1\n" in text
    nodes = {v.name: v for v in resolver.explain("java").nodes}
    assert nodes["builder-1"].matches
    assert nodes["gone"].matches
    assert nodes["gone"].offline
    assert nodes["spare"].lacks == {"java"}


@pytest.mark.parametrize("count", [1, 2, 3, 40, 200])
def test_sparse_and_dense_results_keep_template_order(count: int) -> None:
    pair = {30, 31}  # neighbours far from the first template: the sparse path
    templates = [template(f"t{i:03d}", f"x{i % 7} y{i % 3}" + " pair" * (i in pair)) for i in range(count)]
    resolver = LabelResolver(templates)
    for text in ("x1", "x1 && y2", "!x1", "x3 || y0", "nothing", "x0 -> y0", "pair"):
        expression = LabelExpression.parse(text)
        assert resolver.resolve(text).templates == tuple(t for t in templates if expression.matches(t.labels))


def test_text_is_parsed_once_and_results_are_cached() -> None:
    resolver = LabelResolver([JAVA])
    assert resolver.parse("java&&linux") is resolver.parse("java&&linux")
    first = resolver.resolve("java&&linux")
    assert resolver.resolve("java&&linux") == first
    assert resolver.resolve(LabelExpression.parse("java && linux")).templates == first.templates


def test_explanation_gives_the_winner_and_the_smallest_fix_for_each_template() -> None:
    resolver = LabelResolver([JAVA, JAVA_NORMAL, WEB, WINDOWS])
    explanation = resolver.explain("(java || jdk) && !windows && maven")
    verdicts = {v.name: v for v in explanation.templates}
    assert explanation.winner is not None
    assert explanation.winner.name == "java"
    assert verdicts["java"].winner
    assert verdicts["java"].matches
    assert verdicts["java-normal"].lacks == {"maven"}
    assert not verdicts["java-normal"].excess
    assert verdicts["web"].lacks == {"java", "maven"}  # java: the first alternative mentioned
    assert verdicts["win"].lacks == {"maven"}
    assert verdicts["win"].excess == {"windows"}
    assert [v.name for v in explanation.nearest()] == ["java-normal", "web", "win"]


def test_explanation_is_exact_where_the_polarity_heuristic_is_not() -> None:
    resolver = LabelResolver([template("bare", "linux")])
    # Every atom appears un-negated, but adding c alone is enough.
    assert resolver.explain("(a && b) || c").templates[0].lacks == {"c"}
    assert resolver.nearest(LabelExpression.parse("(a && b) || c"))[0].lacks == {"c"}
    # Removing linux is the smallest change for an equivalence.
    verdict = resolver.explain("linux <-> windows").templates[0]
    assert (verdict.lacks, verdict.excess) == (frozenset(), frozenset({"linux"}))
    # "!(linux && x)" holds already; for "!linux || x", adding x or removing linux are
    # equally small: the atom mentioned first is changed.
    assert resolver.explain("!(linux && x)").templates[0].matches
    verdict = resolver.explain("!linux || x").templates[0]
    assert (verdict.lacks, verdict.excess) == (frozenset(), frozenset({"linux"}))
    verdict = resolver.explain("x || !linux").templates[0]
    assert (verdict.lacks, verdict.excess) == (frozenset({"x"}), frozenset())


def test_a_contradiction_is_reported_as_such() -> None:
    explanation = LabelResolver([JAVA]).explain("java && !java")
    assert explanation.satisfiable is False
    verdict = explanation.templates[0]
    assert not verdict.matches
    assert not verdict.lacks
    assert not verdict.excess
    assert "no change of labels would make it match" in explanation.to_text()
    assert "contradiction" in explanation.to_text()


def test_too_many_atoms_fall_back_to_the_flagged_heuristic() -> None:
    atoms = [f"x{i}" for i in range(MAX_EXACT_ATOMS + 1)]
    expression = " && ".join(atoms) + " && !linux"
    verdict = LabelResolver([JAVA]).explain(expression).templates[0]
    assert not verdict.change.exact
    assert verdict.lacks == set(atoms)
    assert verdict.excess == {"linux"}
    assert "(approximate)" in verdict.reason()


def test_unlabeled_jobs_are_explained_by_mode() -> None:
    explanation = LabelResolver([JAVA, JAVA_NORMAL]).explain(None)
    java, normal = explanation.templates
    assert java.mode_mismatch
    assert not java.matches
    assert normal.matches
    assert normal.winner
    assert "exclusive: serves only jobs whose label it matches" in explanation.to_text()
    assert explanation.to_dict()["expression"] is None


def test_explanation_text_and_json() -> None:
    explanation = LabelResolver([JAVA, WEB], [StaticNode("n1", frozenset({"a b"}))]).explain("java")
    text = explanation.to_text()
    assert text == str(explanation)
    assert text.splitlines()[:2] == ["expression: java", "winner: java (first of 1 matching templates)"]
    assert "  * java  exclusive  [java linux maven]  matches (winner: provisioned first)" in text
    assert "  - web   exclusive  [linux node20 web]  lacks java" in text
    assert '  - n1  normal     ["a b" n1]  lacks java' in text  # quoted as in an expression
    data = json.loads(json.dumps(explanation.to_dict()))
    assert data["winner"] == "java"
    assert data["satisfiable"] is True
    assert data["templates"][1] == {
        "name": "web", "mode": "exclusive", "labels": ["linux", "node20", "web"], "matches": False,
        "lacks": ["java"], "excess": [], "exact": True, "mode_mismatch": False, "winner": False,
        "at_capacity": False,
    }  # fmt: skip
    assert data["nodes"][0]["name"] == "n1"
    assert data["nodes"][0]["offline"] is False


class FakeJenkins:
    """Implements the two python-jenkins calls of JenkinsNodesClient, from canned data."""

    def __init__(self, nodes: list[dict[str, Any]], configs: dict[str, str]) -> None:
        self.nodes, self.configs = nodes, configs
        self.asked: list[str] = []

    def get_nodes(self) -> list[dict[str, Any]]:
        return self.nodes

    def get_node_config(self, name: str) -> str:
        self.asked.append(name)
        return self.configs[name]


def _config(name: str, label: str | None, mode: str | None) -> str:
    parts = [f"<name>{name}</name>", "<numExecutors>2</numExecutors>"]
    if label is not None:
        parts.append(f"<label>{label}</label>")
    if mode is not None:
        parts.append(f"<mode>{mode}</mode>")
    return "<?xml version='1.1' encoding='UTF-8'?>\n<slave>" + "".join(parts) + "</slave>"


def test_from_jenkins_reads_static_nodes_and_skips_the_built_in_node() -> None:
    client = FakeJenkins(
        [
            {"name": "Built-In Node", "offline": False},
            {"name": "master", "offline": False},
            {"name": "mac-1", "offline": False},
            {"name": "win-1", "offline": True},
            {"name": "plain", "offline": False},
        ],
        {
            "mac-1": _config("mac-1", 'macos xcode15 "apple silicon"', "EXCLUSIVE"),
            "win-1": _config("win-1", "windows  java", "NORMAL"),
            "plain": _config("plain", None, None),
        },
    )
    typed: JenkinsNodesClient = client
    resolver = LabelResolver.from_jenkins(typed, [JAVA])
    assert client.asked == ["mac-1", "win-1", "plain"]
    assert resolver.nodes == (
        StaticNode("mac-1", frozenset({"macos", "xcode15", "apple silicon"}), "exclusive"),
        StaticNode("win-1", frozenset({"windows", "java"}), "normal", offline=True),
        StaticNode("plain", frozenset(), "normal"),
    )
    assert resolver.templates == (JAVA,)
    assert resolver.resolve('"apple silicon" && xcode15').nodes == (resolver.nodes[0],)
    assert resolver.resolve("plain").nodes == (resolver.nodes[2],)
    assert resolver.resolve(None).nodes == (resolver.nodes[2],)


def test_from_jenkins_reads_label_strings_as_jenkins_does() -> None:
    client = FakeJenkins(
        [
            {"name": "mac 1", "offline": False},
            {"name": "odd", "offline": False},
            {"name": "other", "offline": False},
        ],
        {
            "mac 1": _config("mac 1", "'apple silicon' xcode\\ 15", None),
            "odd": _config("odd", 'a "b', None),  # a quote left open runs to the end
            "other": _config("other", "mac 1", None),  # another node's name: one label
        },
    )
    nodes = LabelResolver.from_jenkins(client).nodes
    assert [node.labels for node in nodes] == [{"apple silicon", "xcode 15"}, {"a", "b"}, {"mac 1"}]


@pytest.mark.parametrize(
    ("config", "says"),
    [
        ("<slave><mode>SOMETIMES</mode></slave>", "unknown <mode> 'SOMETIMES'"),
        ("<slave><label>a</slave>", "not well-formed XML"),
    ],
)
def test_from_jenkins_names_the_node_whose_config_is_bad(config: str, says: str) -> None:
    client = FakeJenkins([{"name": "bad-1", "offline": False}], {"bad-1": config})
    with pytest.raises(InputError) as caught:
        LabelResolver.from_jenkins(client)
    assert "node 'bad-1'" in str(caught.value)
    assert says in str(caught.value)
