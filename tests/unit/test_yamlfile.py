"""YAML reading: plain values typed as YAML 1.1 says, positions kept, bad documents refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from jenkins_docker_sdk import InputError
from jenkins_docker_sdk.reading import MAX_ALIAS_NODES, MAX_DEPTH, load_yaml

DOCUMENT = """\
a: 1
b: "1"
c: yes
d: 'yes'
e: [1, "1", ~, 2020-01-01, 0x10]
f: {g: 1.5, h: text}
"""


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "doc.yml"
    path.write_text(text)
    return load_yaml(path)


def test_plain_scalars_are_typed_and_quoted_ones_stay_text_whatever_was_read_before(tmp_path: Path) -> None:
    expected = {
        "a": 1,
        "b": "1",
        "c": True,
        "d": "yes",
        "e": [1, "1", None, datetime.date(2020, 1, 1), 16],
        "f": {"g": 1.5, "h": "text"},
    }
    assert _load(tmp_path, DOCUMENT) == expected
    assert _load(tmp_path, DOCUMENT) == expected  # again, with the tags of plain scalars remembered


def test_keys_and_items_know_their_line_and_column(tmp_path: Path) -> None:
    data = _load(tmp_path, DOCUMENT)
    assert data.positions == {"a": (1, 1), "b": (2, 1), "c": (3, 1), "d": (4, 1), "e": (5, 1), "f": (6, 1)}
    assert data["e"].positions == [(5, 5), (5, 8), (5, 13), (5, 16), (5, 28)]
    assert data["f"].positions == {"g": (6, 5), "h": (6, 13)}


@pytest.mark.parametrize(
    ("text", "says", "where"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a' (first written on line 1)", (2, 1)),
        ("a: &x [*x]\n", "a recursive alias cannot be read", (1, 4)),
        ("? [1]\n: 2\n", "a mapping key must be a plain value", (1, 3)),
        ("a: !custom 1\n", "could not determine a constructor for the tag '!custom'", (1, 4)),
    ],
)
def test_bad_documents_are_refused_at_their_position(
    tmp_path: Path, text: str, says: str, where: tuple[int, int]
) -> None:
    with pytest.raises(InputError, match="invalid YAML") as error:
        _load(tmp_path, text)
    (problem,) = error.value.problems
    assert says in problem.message
    assert (problem.location.line, problem.location.column) == where


def _bomb(levels: int) -> str:
    """A "billion laughs" document: each level lists the one before nine times."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]" for n in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_that_goes_past_the_bound(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        _load(tmp_path, _bomb(8))  # 9**8 nodes expanded: 40 s and 8 GB before the bound
    (problem,) = error.value.problems
    assert "the alias *a4 takes the nodes that aliases add past 100,000" in problem.message
    assert (problem.location.line, problem.location.column) == (6, 10)  # a5's first *a4
    assert "at most 100,000 nodes" in (problem.hint or "")


def test_aliases_within_the_bound_are_read_whole(tmp_path: Path) -> None:
    assert MAX_ALIAS_NODES == 100_000
    block = "base: &b [" + ", ".join(["x"] * 999) + "]\n"  # 1,000 nodes with the list itself
    within = block + "copies: [" + ", ".join(["*b"] * 100) + "]\n"
    data = _load(tmp_path, within)
    assert len(data["copies"]) == 100
    assert data["copies"][99] == ["x"] * 999
    with pytest.raises(InputError, match=r"the alias \*b takes") as error:
        _load(tmp_path, within.replace("[*b", "[*b, *b"))  # 101 copies: 101,000 nodes
    assert error.value.problems[0].location.line == 2


def test_a_star_that_is_no_alias_needs_no_second_look(tmp_path: Path) -> None:
    data = _load(tmp_path, "cron: H 3 * * 1-5\nglob: rm -rf build/*\nb: '*x'\n")
    assert data == {"cron": "H 3 * * 1-5", "glob": "rm -rf build/*", "b": "*x"}


def test_nesting_deeper_than_the_bound_is_refused_where_it_goes_past(tmp_path: Path) -> None:
    assert MAX_DEPTH == 64
    assert _load(tmp_path, "[" * 64 + "]" * 64) is not None
    for text in ("[" * 900 + "]" * 900, "{a: " * 600 + "1" + "}" * 600):
        with pytest.raises(InputError, match="nested more than 64 levels deep") as error:
            _load(tmp_path, text)
        assert error.value.problems[0].location.line == 1
    block = "".join(" " * i + "-\n" for i in range(0, 200, 2))
    with pytest.raises(InputError, match="nested more than 64 levels deep") as error:
        _load(tmp_path, block)
    assert error.value.problems[0].location.line == 65


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: 2001-13-45\n", "'2001-13-45' is read as a date but is not one (month must be in 1..12)"),
        ("a: !!timestamp 2001-01-01 25:00:00\n", "is read as a date but is not one (hour must be in 0..23)"),
        ("a: !!int abc\n", "'abc' is read as an integer but is not one"),
        ("a: !!int 0b2\n", "'0b2' is read as an integer but is not one"),
        ("a: !!float x\n", "'x' is read as a number but is not one"),
        ("a: " + "9" * 5000 + "\n", "is an integer of more digits than jds reads"),
        ("a: !!timestamp git\n", "'git' is read as a date but is not one;"),  # PyYAML: AttributeError
        ("a: !!bool maybe\n", "'maybe' is read as a boolean but is not one"),  # KeyError
        ('a: !!int ""\n', "'' is read as an integer but is not one"),  # IndexError
    ],
)
def test_a_scalar_that_is_not_what_its_tag_says_is_refused_at_its_position(
    tmp_path: Path, text: str, says: str
) -> None:
    with pytest.raises(InputError) as error:
        _load(tmp_path, text)
    (problem,) = error.value.problems
    assert says in problem.message
    assert "quote it to write a string" in problem.message
    assert (problem.location.line, problem.location.column) == (1, 4)


@pytest.mark.parametrize(
    ("text", "where", "code"),
    [
        ("a: 1\nb: x\x00y\n", (2, 5), "U+0000"),
        ("é: ü\n  b\x00\n", (2, 4), "U+0000"),  # libyaml counts bytes; the error counts characters
        ("a: x\uffff\n", (1, 5), "U+FFFF"),
        ("a: \x1b[31m\n", (1, 4), "U+001B"),
    ],
)
def test_a_character_yaml_refuses_is_reported_at_its_line_and_column(
    tmp_path: Path, text: str, where: tuple[int, int], code: str
) -> None:
    with pytest.raises(InputError) as error:
        _load(tmp_path, text)
    (problem,) = error.value.problems
    assert problem.message == f"invalid YAML: the character {code} is not allowed in YAML text"
    assert (problem.location.line, problem.location.column) == where
    assert "position" not in str(error.value)


def test_a_merge_key_brings_keys_that_the_mapping_may_override(tmp_path: Path) -> None:
    text = (
        "base: &base {label: linux, timeout_minutes: 10}\n"
        "extra: &extra {label: java, steps: [make]}\n"
        "job:\n"
        "  <<: [*base, *extra]\n"
        "  name: build\n"
        "  timeout_minutes: 20\n"
    )
    job = _load(tmp_path, text)["job"]
    assert job == {"label": "linux", "timeout_minutes": 20, "steps": ["make"], "name": "build"}
    assert job.positions["label"] == (1, 14)  # where the merged value was written
    assert job.positions["steps"] == (2, 29)
    assert job.positions["timeout_minutes"] == (6, 3)  # the override


@pytest.mark.parametrize(
    ("text", "says", "where"),
    [
        ("<<: {a: 1}\nb: 1\nb: 2\n", "duplicate key 'b' (first written on line 2)", (3, 1)),
        ("a: 1\n<<: 5\n", "a merge key '<<' takes a mapping or a list of mappings", (2, 5)),
        ("<<: [{a: 1}, [2]]\n", "a merge key '<<' takes a mapping or a list of mappings", (1, 14)),
        ("<<: {a: 1}\n<<: {b: 1}\n", "duplicate merge key '<<'", (2, 1)),
    ],
)
def test_merge_keys_still_refuse_duplicates_and_non_mappings(
    tmp_path: Path, text: str, says: str, where: tuple[int, int]
) -> None:
    with pytest.raises(InputError) as error:
        _load(tmp_path, text)
    (problem,) = error.value.problems
    assert says in problem.message
    assert (problem.location.line, problem.location.column) == where


def test_a_quoted_merge_key_is_a_plain_key(tmp_path: Path) -> None:
    assert _load(tmp_path, "'<<': 1\n") == {"<<": 1}
