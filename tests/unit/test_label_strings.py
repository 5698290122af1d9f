"""Node label strings are split as Jenkins' ``Label.parse`` splits them, and written so it reads them back.

``Label.parse`` runs ``hudson.util.QuotedStringTokenizer`` (jenkinsci/jenkins,
``cli/src/main/java/hudson/util/QuotedStringTokenizer.java``). The vectors marked
"Jenkins test" are the ``check(...)`` cases of its ``QuotedStringTokenizerTest``; the others
were checked against that tokenizer, compiled and run on their inputs.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk import AgentTemplate, LabelSyntaxError, parse_label_string
from jenkins_docker_sdk.labels import write_label_string

SPLITS: list[tuple[str, set[str]]] = [
    # Jenkins test test1 .. test7 (the tokenizer's order does not matter: Label.parse keeps a set)
    ("foo bar", {"foo", "bar"}),
    ('foo "bar zot"', {"foo", "bar zot"}),
    ('foo bar="quote zot"', {"foo", "bar=quote zot"}),
    ('foo\\"', {'foo"'}),
    ("foo\\ bar", {"foo bar"}),
    ("foo\\\\ bar", {"foo\\", "bar"}),
    ('foo="bar\\zot"', {"foo=bar\\zot"}),
    # Jenkins test testHasMoreToken
    ("", set()),
    ("one", {"one"}),
    # only space, tab, line feed and carriage return separate
    (" java \t linux\r\nmaven ", {"java", "linux", "maven"}),
    ("a\fb\vc\u00a0d", {"a\fb\vc\u00a0d"}),
    # single quotes quote too, and quotes group inside a token
    ("'my label' x", {"my label", "x"}),
    ("it's 'a \"b\"'", {"its a", "b"}),
    ("x'y z'w", {"xy zw"}),
    # no control-character escapes: \n stays a backslash and an n, in quotes or not
    ('"a\\nb" c\\td', {"a\\nb", "c\\td"}),
    # a backslash escapes \ " ' and a space, in quotes or not
    ('\'it\\\'s\' "say \\"hi\\"" "\\\\"', {"it's", 'say "hi"', "\\"}),
    # ... but not at the start of a token, where it is a character like any other
    ("\\ foo", {"\\", "foo"}),
    ('\\"a b"', {"\\a b"}),
    # an empty quoted token is an atom; a quote alone at the very end is no token
    ('a ""', {"a", ""}),
    ("''", {""}),
    ('a "', {"a"}),
    ('""\'', {""}),
    # a quote left open runs to the end of the text
    ('java "open label', {"java", "open label"}),
    ("'a b", {"a b"}),
    # a backslash that ends the text is dropped
    ("foo\\", {"foo"}),
    ('"a\\', {"a"}),
    ('"\\', {""}),
    # a backslash escapes a tab or a line feed not: both stay, with the backslash
    ("a\\\tb", {"a\\\tb"}),
    # duplicates collapse
    ("a a 'a'", {"a"}),
]


@pytest.mark.parametrize(("text", "atoms"), SPLITS, ids=[repr(text) for text, _ in SPLITS])
def test_label_strings_split_as_jenkins_does(text: str, atoms: set[str]) -> None:
    assert parse_label_string(text) == atoms


def test_a_label_string_naming_a_known_atom_is_that_atom() -> None:
    # Label.parse asks Jenkins.tryGetLabelAtom(whole string) first
    assert parse_label_string("build 1", known_atoms={"build 1"}) == {"build 1"}
    assert parse_label_string("build 1", known_atoms={"build"}) == {"build", "1"}
    assert parse_label_string("", known_atoms={""}) == set()


@pytest.mark.parametrize(
    ("text", "position", "says"),
    [
        ('linux "java', 6, "unterminated quoted label"),
        ("'a b", 0, "unterminated quoted label"),
        ("linux java\\", 10, "a backslash ends the label string"),
    ],
)
def test_strict_refuses_what_jenkins_reads_silently(text: str, position: int, says: str) -> None:
    assert parse_label_string(text)  # Jenkins reads these
    with pytest.raises(LabelSyntaxError) as caught:
        parse_label_string(text, strict=True)
    assert caught.value.position == position
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("atoms", "text"),
    [
        ({"java", "linux"}, "java linux"),
        ({"a b", "c"}, '"a b" c'),
        ({""}, '""'),
        ({"it's"}, '"it\'s"'),
        ({'say "hi"'}, '"say \\"hi\\""'),
        ({"C:\\tools"}, '"C:\\\\tools"'),
        ({"tab\there", "new\nline"}, '"new\nline" "tab\there"'),
        ({"a:b", "x&&y", "(p)", "é"}, "(p) a:b x&&y é"),
    ],
)
def test_writer_quotes_only_what_the_tokenizer_would_split_or_unquote(atoms: set[str], text: str) -> None:
    assert write_label_string(atoms) == text
    assert parse_label_string(text) == atoms


LABEL_CHARACTERS = st.text(
    alphabet=st.one_of(st.sampled_from(list(" \t\n\r\f\"'\\=:-&|!()")), st.characters()), max_size=8
)


@given(st.frozensets(LABEL_CHARACTERS, max_size=6))
@settings(max_examples=1000, deadline=None)
def test_jenkins_reads_back_the_set_the_writer_wrote(atoms: frozenset[str]) -> None:
    assert parse_label_string(write_label_string(atoms)) == atoms


def test_agent_templates_write_their_labels_for_jenkins() -> None:
    template = AgentTemplate(name="t", team="t", repo="t/r", image="t/r", labels=frozenset({"linux", "java"}))
    assert template.label_string == "java linux"
    assert parse_label_string(template.label_string) == template.labels
