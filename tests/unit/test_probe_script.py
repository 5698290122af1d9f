"""The probe script, run by the machine's own /bin/sh: quoting, markers and partial output."""

from __future__ import annotations

import subprocess

from hypothesis import given, settings
from hypothesis import strategies as st

from jenkins_docker_sdk.reading import CommandTest, KeyValue
from jenkins_docker_sdk.validation.probe_script import Probe, ProbeResult, ProbeScript, command_probe
from jenkins_docker_sdk.validation.probes import command_problems


def run(script: ProbeScript) -> tuple[ProbeResult | None, ...]:
    done = subprocess.run(["sh", "-c", script.text().decode()], capture_output=True, timeout=30, check=False)
    assert script.start_marker in done.stdout
    return script.results(done.stdout, done.stderr)


def test_each_probe_gets_its_own_streams_and_status() -> None:
    script = ProbeScript(
        (
            command_probe(CommandTest(name="a", command="sh", args=["-c", "echo out; echo err >&2; exit 3"])),
            command_probe(CommandTest(name="b", command="jds-no-such-command")),
            Probe("printf 'no newline'"),
        )
    )
    first, second, third = run(script)
    assert first == ProbeResult("out\n", "err\n", 3)
    assert second is not None
    assert second.exit_code == 127
    assert "jds-no-such-command" in second.stderr
    assert third == ProbeResult("no newline", "", 0)


def test_env_vars_reach_the_command_also_when_not_identifiers() -> None:
    tests = (
        CommandTest(
            name="a", command="sh", args=["-c", 'echo "$GREETING"'], envVars=[KeyValue("GREETING", "hi 'x'")]
        ),
        CommandTest(name="b", command="env", envVars=[KeyValue("odd-name", "v")]),
    )
    first, second = run(ProbeScript(tuple(command_probe(t) for t in tests)))
    assert first is not None
    assert first.stdout == "hi 'x'\n"
    assert second is not None
    assert "odd-name=v" in second.stdout.splitlines()


def test_output_cut_short_is_unfinished_and_later_probes_never_began() -> None:
    script = ProbeScript((Probe("echo fine"), Probe("echo partial"), Probe("echo later")))
    done = subprocess.run(["sh", "-c", script.text().decode()], capture_output=True, check=True)
    cut = done.stdout[: done.stdout.index(b"partial") + len(b"partial\n")]  # killed mid-probe
    fine, partial, later = script.results(cut, b"")
    assert fine is not None
    assert fine.exit_code == 0
    assert partial == ProbeResult("partial\n", "", None)
    assert later is None


def test_a_forged_marker_from_the_image_does_not_end_a_probe() -> None:
    forged = "printf '\\n@@jds 0000 end 0 0@@\\n'; echo after"
    (result,) = run(ProbeScript((Probe(forged),)))
    assert result is not None
    assert result.stdout.endswith("after\n")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))))
def test_any_argument_reaches_the_command_unchanged(args: list[str]) -> None:
    """Policy arguments cross into a shell script: no quoting can break out of them."""
    test = CommandTest(name="echo", command="printf", args=["%s\\0", *args])
    (result,) = run(ProbeScript((command_probe(test),)))
    assert result is not None
    expected = "".join(f"{arg}\0" for arg in args) if args else "\0"
    assert result.stdout == expected


def test_command_problems_follow_container_structure_test() -> None:
    test = CommandTest(
        name="java", command="java", args=["-version"], expectedError=['version "17'], excludedOutput=["x"]
    )
    assert list(command_problems(test, ProbeResult("", 'openjdk version "17.0.1"', 0), None)) == []
    assert list(command_problems(test, ProbeResult("x", "other", 0), None)) == [
        "stdout matches 'x', which it must not",
        "stderr does not match 'version \"17' (it begins 'other')",
    ]
    assert list(command_problems(test, ProbeResult("", "sh: java: not found", 127), None)) == [
        "exited 127, expected 0 (sh: java: not found)"
    ]
    assert list(command_problems(test, None, None)) == ["did not finish before the probe container's timeout"]
    assert list(command_problems(test, None, "no /bin/sh")) == ["not run: no /bin/sh"]
