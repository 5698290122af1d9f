"""Every broken farm in tests/broken is refused with exit code 2, a file:line and a useful message.

Each case is ``tests/broken/<NN-name>/`` holding ``farm/`` (the broken farm root) and
``expected.yml``: ``where`` (file and line the error must name), ``says`` (substrings the
message must contain) and, for a known implementation gap, ``xfail`` (the reason; add
``strict: false`` while another branch fixes it). A failed render must also leave the
previous output directory byte-for-byte untouched.

A case with ``accepted: true`` is a hostile-looking farm that is fine (a byte order mark,
merge keys, a directory symlink that is only warned about): ``jds check`` and ``jds render``
must both accept it, ``says`` then lists warnings they must print. For every case, check and
render agree: a farm check accepts renders, and a farm check refuses, render refuses alike.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from jenkins_docker_sdk.cli import main

TESTS = Path(__file__).resolve().parents[1]
BROKEN = TESTS / "broken"
EXAMPLES = TESTS.parent / "examples" / "farm"
CASES = sorted(path for path in BROKEN.iterdir() if (path / "expected.yml").is_file())


def _expected(case: Path) -> dict[str, Any]:
    expected: dict[str, Any] = yaml.safe_load((case / "expected.yml").read_text(encoding="utf-8"))
    return expected


REFUSED = [case for case in CASES if not _expected(case).get("accepted")]
ACCEPTED = [case for case in CASES if _expected(case).get("accepted")]


def _params(cases: list[Path] | None = None) -> list[Any]:
    params = []
    for case in REFUSED if cases is None else cases:
        expected = _expected(case)
        reason = expected.get("xfail")
        strict = expected.get("strict", True)
        marks = [pytest.mark.xfail(strict=strict, reason=str(reason))] if reason else []
        params.append(pytest.param(case, id=case.name, marks=marks))
    return params


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    """An output directory holding a good render of the example farm."""
    out = tmp_path / "out"
    assert main(["render", str(EXAMPLES), "-o", str(out)]) == 0
    assert (out / "report.json").is_file()
    return out


def test_corpus_is_large_and_well_formed() -> None:
    assert len(REFUSED) >= 150
    assert len(ACCEPTED) >= 10
    for case in CASES:
        expected = _expected(case)
        assert (case / "farm").exists(), case.name
        assert set(expected) <= {"where", "says", "xfail", "strict", "accepted"}, case.name
        assert all(isinstance(text, str) for text in expected.get("says", [])), case.name
        if not expected.get("accepted"):
            assert isinstance(expected["where"], str), case.name
            assert expected["says"], case.name


@pytest.mark.parametrize("case", _params())
def test_broken_farm_is_refused_with_location(
    case: Path, rendered: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _expected(case)
    before = _snapshot(rendered)
    capsys.readouterr()

    code = main(["render", str(case / "farm"), "-o", str(rendered)])

    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 2, err
    assert expected["where"] in err, err
    missing = [text for text in expected["says"] if text not in err]
    assert not missing, f"missing {missing} in:\n{err}"
    assert _snapshot(rendered) == before
    assert [p.name for p in rendered.parent.iterdir()] == ["out"]  # no staging left


@pytest.mark.parametrize("name", ["05-yaml-duplicate-key", "59-label-and-or"])
def test_real_process_exits_2_without_traceback(name: str, rendered: Path) -> None:
    case = BROKEN / name
    before = _snapshot(rendered)

    result = subprocess.run(
        [sys.executable, "-m", "jenkins_docker_sdk", "render", str(case / "farm"), "-o", str(rendered)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert _expected(case)["where"] in result.stderr
    assert _snapshot(rendered) == before


def _check(farm: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["check", str(farm)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", _params(REFUSED))
def test_check_refuses_what_render_refuses_and_says_the_same(
    case: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _expected(case)
    code, err = _check(case / "farm", capsys)
    assert "Traceback" not in err
    assert code == 2, err
    assert expected["where"] in err, err
    missing = [text for text in expected["says"] if text not in err]
    assert not missing, f"missing {missing} in:\n{err}"


@pytest.mark.parametrize("case", [*_params(ACCEPTED), pytest.param(EXAMPLES, id="examples-farm")])
def test_every_farm_check_accepts_renders(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    farm = case if case == EXAMPLES else case / "farm"
    says = [] if case == EXAMPLES else _expected(case).get("says", [])
    code, err = _check(farm, capsys)
    assert code == 0, err
    assert [text for text in says if text not in err] == [], err

    out = tmp_path / "out"
    code = main(["render", str(farm), "-o", str(out)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert code == 0, err
    assert [text for text in says if text not in err] == [], err
    assert (out / "report.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
