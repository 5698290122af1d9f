"""YAML reading: plain values typed as YAML 1.1 says, positions kept, bad documents refused."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from jenkins_docker_sdk import InputError
from jenkins_docker_sdk.yamlfile import load_yaml

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
