"""docs/testing.md shows examples/testing/ verbatim, and those example tests pass as a user runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "testing.md"
EXAMPLES = ROOT / "examples" / "testing"
FILES = ("jenkins_housekeeping.py", "test_jenkins_housekeeping.py")


@pytest.mark.parametrize("name", FILES)
def test_the_doc_shows_the_example_verbatim(name: str) -> None:
    source = (EXAMPLES / name).read_text()
    assert f"```python\n{source}```\n" in DOC.read_text(), f"docs/testing.md no longer shows {name} as it is"


def test_the_example_tests_pass_in_a_users_project(pytester: pytest.Pytester) -> None:
    for name in FILES:
        shutil.copy(EXAMPLES / name, pytester.path / name)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=4)


def test_the_example_tests_can_fail(pytester: pytest.Pytester) -> None:
    broken = (EXAMPLES / FILES[0]).read_text().replace("server.disable_job(", "server.enable_job(")
    (pytester.path / FILES[0]).write_text(broken)
    shutil.copy(EXAMPLES / FILES[1], pytester.path / FILES[1])
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)  # the disabling tests notice
