"""The escaping filters and the finalize guard of each language environment."""

from __future__ import annotations

import jinja2
import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk import RenderError
from jenkins_docker_sdk.render import escaping, make_environment
from jenkins_docker_sdk.render._escaping import (
    GROOVY_LITERAL_LIMIT,
    groovy,
    groovy_literal,
    groovy_string,
    xml_text,
    yaml_value,
)


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        ("plain", "'plain'"),
        ("it's", "'it\\'s'"),
        ("${x}", "'${x}'"),
        ("a\\b", "'a\\\\b'"),
        ("\\u0027", "'\\\\\\u0075" + "0027'"),
        ("line\nbreak\ttab", "'line\\nbreak\\ttab'"),
        ("é", "'\\u00e9'"),
        ("\U0001f600", "'\\ud83d\\ude00'"),
        ("\x00", "'\\u0000'"),
    ],
)
def test_groovy_string_literals(value: str, literal: str) -> None:
    assert groovy_string(value) == literal
    assert literal.isascii()


def test_groovy_lists_and_maps() -> None:
    assert groovy(["a", 1, True, None]) == "['a', 1, true, null]"
    assert groovy({"k'": ["v"]}) == "[('k\\''): ['v']]"
    assert groovy({}) == "[:]"


def test_groovy_refuses_the_one_character_no_groovy_literal_can_hold() -> None:
    with pytest.raises(RenderError, match="U\\+FFFF cannot be written in Groovy"):
        groovy("end\uffff")
    assert groovy("end\ufffe") == "'end\\ufffe'"  # U+FFFE compiles; reading refuses it for XML


def test_long_groovy_strings_are_pieces_of_the_same_text() -> None:
    value = "é'" * GROOVY_LITERAL_LIMIT
    written = groovy_string(value)
    assert written.startswith("[")
    assert written.endswith("].join('')")
    assert written.count("', '") == 1  # two pieces of GROOVY_LITERAL_LIMIT code points
    assert groovy_string(value[:GROOVY_LITERAL_LIMIT]) == groovy_literal(value[:GROOVY_LITERAL_LIMIT])


def test_xml_text_escapes_markup_and_refuses_what_xml_cannot_hold() -> None:
    assert xml_text("<a & 'b' \"c\">") == "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
    assert xml_text("a\rb") == "a&#13;b"
    with pytest.raises(RenderError):
        xml_text("bell\x07")


@pytest.mark.parametrize(
    "value", ["plain", 'q"uote', "back\\slash", "é\U0001f600", "- [x]: {y}", "null", "true", "\n#"]
)
def test_yaml_values_parse_back_to_themselves(value: str) -> None:
    assert yaml.safe_load(f"key: {yaml_value(value)}\n") == {"key": value}
    assert yaml_value(value).isascii()
    assert yaml.safe_load(yaml_value([value, 1, None])) == [value, 1, None]
    assert yaml.safe_load(yaml_value({"k": value})) == {"k": value}


@pytest.mark.parametrize(
    ("language", "source"),
    [("groovy", "x = {{ value }}"), ("xml", "<a>{{ value }}</a>"), ("yaml", "a: {{ value }}")],
)
def test_an_unescaped_value_is_refused(language: str, source: str) -> None:
    environment = make_environment(language)
    with pytest.raises(RenderError, match="without its escaping filter"):
        environment.from_string(source).render(value="x'); System.exit(0); //")


def test_filters_of_other_languages_and_safe_are_not_available() -> None:
    environment = make_environment("groovy")
    for source in ("{{ v|safe }}", "{{ v|xml }}", "{{ v|e }}"):
        with pytest.raises(jinja2.TemplateAssertionError):
            environment.from_string(source)


def test_undefined_variables_fail() -> None:
    with pytest.raises(jinja2.UndefinedError):
        make_environment("groovy").from_string("{{ missing|groovy }}").render()


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text(alphabet="\\u'\r\n\t\x00\x7f a"))
@example("\\u0027")
@example("\\\\u")
@example("'\r\x0b\x7f")
def test_the_ascii_fast_paths_escape_exactly_as_the_general_ones(value: str) -> None:
    general_groovy = "'" + escaping._GROOVY_UNSAFE.sub(escaping._groovy_escape, value) + "'"
    assert groovy_string(value) == general_groovy
    assert escaping.yaml_string(value) == '"' + "".join(map(escaping._yaml_escape, value)) + '"'


@settings(max_examples=300)
@given(st.text())
def test_yaml_strings_of_any_text_parse_back_to_it(value: str) -> None:
    assert yaml.safe_load(escaping.yaml_string(value)) == value


@given(st.text())
def test_casc_values_never_let_jcasc_resolve_team_text(value: str) -> None:
    """JCasC resolves ${...} on the controller: team text comes out with every ${ as ^${."""
    loaded = yaml.safe_load(f"key: {escaping.casc_value([value, {'k': value}])}\n")["key"]
    assert loaded == [value.replace("${", "^${"), {"k": value.replace("${", "^${")}]
    assert "${" not in loaded[0].replace("^${", "")


def test_a_casc_placeholder_keeps_its_dollar_brace() -> None:
    assert yaml.safe_load(escaping.casc_value(escaping.CascPlaceholder("${A_B}"))) == "${A_B}"
