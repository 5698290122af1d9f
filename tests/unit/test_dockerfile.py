"""Dockerfile analysis: BuildKit's parser plus Docker's ARG/ENV expansion rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from jenkins_docker_sdk import DockerfileError
from jenkins_docker_sdk.reading import analyse

WHERE = Path("repo/Dockerfile")


def test_multistage_labels_user_and_entrypoint() -> None:
    info = analyse(
        """# syntax=docker/dockerfile:1
ARG BASE=debian:12
FROM ${BASE} AS build
ARG VER=1.2
ENV A=1 B="two words" \\
    C=${A}x
LABEL io.jenkins.agent.labels="java  ${VER} teamB" other=x "quoted key"='v $VER'
USER jenkins:jenkins
RUN <<EOT bash
  set -e
  useradd -m jenkins
EOT
FROM build
EXPOSE 22 8080/tcp
ENTRYPOINT ["/bin/sh", "-c"]
""",
        WHERE,
    )
    assert [(s.base, s.name, s.line) for s in info.stages] == [("debian:12", "build", 3), ("build", None, 13)]
    assert info.base_images == ("debian:12",)
    assert info.is_multistage
    assert info.labels == {"io.jenkins.agent.labels": "java  1.2 teamB", "other": "x", "quoted key": "v $VER"}
    assert info.label_lines["other"] == 7
    assert (info.user, info.user_line) == ("jenkins:jenkins", 8)
    assert info.exposed == ("22", "8080/tcp")
    assert info.entrypoint == ("/bin/sh", "-c")


def test_env_line_does_not_see_its_own_pairs_and_env_beats_arg() -> None:
    info = analyse(
        "FROM a\nARG X=arg\nENV X=env Y=${X}\nLABEL x=$X y=$Y z=${UNSET:-dflt} w=${X:+alt}\n", WHERE
    )
    assert info.labels == {"x": "env", "y": "arg", "z": "dflt", "w": "alt"}


def test_global_args_reach_from_lines_only_unless_redeclared() -> None:
    info = analyse("ARG V=3\nFROM img:${V}\nLABEL a=${V}\nARG V\nLABEL b=${V}\n", WHERE)
    assert info.stages[0].base == "img:3"
    assert info.labels == {"a": "", "b": "3"}


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("FROM a\nRUN <<EOT\nnever closed\n", 2, "unterminated heredoc"),
        ("FROM a\nFOO bar\n", 2, "unknown instruction 'FOO'"),
        ("RUN x\nFROM a\n", 1, "only ARG may come before FROM"),
        ("FROM a\nLABEL\n", 2, "key=value"),
        ("ARG X=1\n", 1, "no FROM"),
        ("FROM ${NOPE}\n", 1, "expands to nothing"),
        ("FROM a\nLABEL a=${B\n", 2, "bad variable substitution"),
        ("FROM a\nLABEL a=${B?required}\n", 2, "B: required"),
    ],
)
def test_bad_dockerfiles_name_the_line(text: str, line: int, says: str) -> None:
    with pytest.raises(DockerfileError) as caught:
        analyse(text, WHERE)
    problem = caught.value.problems[0]
    assert problem.location is not None
    assert problem.location.line == line
    assert says in str(caught.value)
    assert str(caught.value).startswith(f"repo/Dockerfile:{line}: ")


def test_variables_that_repeat_variables_are_refused_before_they_grow() -> None:
    lines = ["ARG A0=aaaaaaaaaaaaaaaa"] + [f"ARG A{n}=${{A{n - 1}}}${{A{n - 1}}}" for n in range(1, 40)]
    text = "\n".join(lines) + "\nFROM x:${A39}\n"  # 16 * 2**39 characters, unbounded
    with pytest.raises(DockerfileError) as error:
        analyse(text, Path("Dockerfile"))
    (problem,) = error.value.problems
    assert problem.message == "'${A11}${A11}' expands to more than 65,536 characters"
    assert problem.location.line == 13
    env = "FROM x:1\nENV A=" + "a" * 40_000 + "\nLABEL big=$A\n"
    assert len(analyse(env, Path("Dockerfile")).labels["big"]) == 40_000  # long, but under the bound
