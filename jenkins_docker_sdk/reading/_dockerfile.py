"""Dockerfile analysis with BuildKit's own parser: stages, images, user, labels, lines.

Parsing is done by the ``dockerfile`` package, which wraps moby/buildkit's parser, so
heredocs, flags and JSON forms come out exactly as ``docker build`` reads them.
Variable expansion (ARG/ENV into FROM, LABEL, USER, ...) follows Docker's rules:
global ARGs only reach FROM lines unless a stage re-declares them, ENV wins over ARG, a
stage built ``FROM`` an earlier stage inherits its ENV and LABELs, and an ENV line sees
the values from before that line.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from jenkins_docker_sdk.errors import DockerfileError, InputError
from jenkins_docker_sdk.model import Location

if TYPE_CHECKING:
    import dockerfile as buildkit
from jenkins_docker_sdk.reading._inputfile import MAX_DOCKERFILE_BYTES, read_text

#: The LABEL a team sets to give its image Jenkins labels, space separated.
AGENT_LABELS_KEY = "io.jenkins.agent.labels"
#: The longest value a word may expand to: ARGs that repeat ARGs grow exponentially
#: (30 lines of ``ARG B=$A$A`` would make a value of gigabytes).
MAX_EXPANDED = 64 * 1024

INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)


@attrs.frozen
class Stage:
    """One build stage: ``FROM base AS name``."""

    base: str
    name: str | None
    line: int


@attrs.frozen(kw_only=True)
class Instruction:
    """One instruction as BuildKit parsed it, before variable expansion.

    Attributes:
        name: the instruction, upper case (``RUN``, ``ENV``, ...).
        words: its arguments (for ENV and LABEL: key, value, key, value, ...).
        flags: its ``--flag=value`` options, e.g. ``--checksum=sha256:...``.
        line: the 1-based line it starts on; ``end_line`` the line it ends on.
        stage: the index of its stage in :attr:`DockerfileInfo.stages`; ``None`` before
            the first FROM.
        heredocs: the bodies of its heredocs, in order.
    """

    name: str
    words: tuple[str, ...]
    flags: tuple[str, ...]
    line: int
    end_line: int
    stage: int | None
    heredocs: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class DockerfileInfo:
    """What the SDK needs to know about a Dockerfile, with the line of each fact."""

    path: Path
    stages: tuple[Stage, ...]
    user: str | None
    user_line: int | None
    entrypoint: tuple[str, ...] | None
    cmd: tuple[str, ...] | None
    exposed: tuple[str, ...]
    labels: Mapping[str, str]
    label_lines: Mapping[str, int]
    instructions: tuple[Instruction, ...] = attrs.field(default=(), repr=False)
    text: str = attrs.field(default="", repr=False)

    @property
    def base_images(self) -> tuple[str, ...]:
        """External images the build starts from (earlier stages excluded), in order."""
        names: set[str] = set()
        bases = []
        for stage in self.stages:
            if stage.base not in names and stage.base not in bases:
                bases.append(stage.base)
            if stage.name:
                names.add(stage.name.lower())
        return tuple(bases)

    @property
    def is_multistage(self) -> bool:
        """Whether the Dockerfile has more than one FROM."""
        return len(self.stages) > 1


@attrs.define
class _StageState:
    env: dict[str, str] = attrs.Factory(dict)
    args: dict[str, str] = attrs.Factory(dict)
    labels: dict[str, str] = attrs.Factory(dict)
    label_lines: dict[str, int] = attrs.Factory(dict)
    user: str | None = None
    user_line: int | None = None
    entrypoint: tuple[str, ...] | None = None
    cmd: tuple[str, ...] | None = None
    exposed: list[str] = attrs.Factory(list)

    def variables(self) -> dict[str, str]:
        return {**self.args, **self.env}


def parse_dockerfile(path: Path, *, display: Path | None = None) -> DockerfileInfo:
    """Read and analyse one Dockerfile.

    Args:
        path: the Dockerfile.
        display: the path to name in errors (default: ``path``).

    Raises:
        DockerfileError: the file cannot be read, is larger than
            :data:`~._inputfile.MAX_DOCKERFILE_BYTES`, cannot be parsed,
            or uses an instruction or form Docker would refuse; the problem names the line.
    """
    shown = display or path
    try:
        text = read_text(path, shown, limit=MAX_DOCKERFILE_BYTES)
    except InputError as exc:
        raise DockerfileError(exc.problems) from None
    return analyse(text, shown)


#: The Go library of BuildKit's parser (``dockerfile``), loaded on first use: loading it starts a
#: Go runtime, which a forked child cannot inherit, and discovery forks its workers when this
#: process has not loaded it yet (see :func:`go_runtime_loaded`).
GO_MODULE = "dockerfile"


def go_runtime_loaded() -> bool:
    """Whether this process has loaded the parser's Go runtime (then it must not fork workers)."""
    return GO_MODULE in sys.modules


def _buildkit() -> Any:
    return importlib.import_module(GO_MODULE)


def analyse(text: str, path: Path) -> DockerfileInfo:
    """Analyse Dockerfile ``text``; ``path`` is only used to name it in errors."""
    buildkit = _buildkit()
    try:
        commands = buildkit.parse_string(text)
    except buildkit.GoParseError as exc:
        raise DockerfileError.at(
            f"Dockerfile does not parse: {exc}", Location(path, _guess_error_line(text, str(exc)))
        ) from None
    if not commands:
        raise DockerfileError.at("Dockerfile has no instructions; it needs at least a FROM", Location(path))

    escape = _escape_directive(text)
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    states: dict[str, _StageState] = {}
    state: _StageState | None = None
    instructions: list[Instruction] = []
    for command in commands:
        where = Location(path, command.start_line)
        name = command.cmd.upper()
        if name not in INSTRUCTIONS:
            raise DockerfileError.at(
                f"unknown instruction {command.cmd!r}",
                where,
                "accepted: " + ", ".join(sorted(INSTRUCTIONS)),
            )
        instructions.append(
            Instruction(
                name=name,
                words=tuple(command.value),
                flags=tuple(command.flags),
                line=command.start_line,
                end_line=command.end_line,
                stage=len(stages) if name == "FROM" else (len(stages) - 1 if stages else None),
                heredocs=tuple(heredoc.content for heredoc in command.heredocs),
            )
        )
        if name == "FROM":
            state = _start_stage(command, global_args, stages, states, where, escape)
            continue
        if state is None:
            if name != "ARG":
                raise DockerfileError.at(
                    f"{name} before the first FROM; only ARG may come before FROM", where
                )
            _apply_arg(command.value, global_args, global_args, where, escape)
            continue
        _apply(name, command, state, global_args, where, escape)

    if state is None:
        raise DockerfileError.at("Dockerfile has no FROM", Location(path, commands[-1].start_line))
    return DockerfileInfo(
        path=path,
        stages=tuple(stages),
        user=state.user,
        user_line=state.user_line,
        entrypoint=state.entrypoint,
        cmd=state.cmd,
        exposed=tuple(state.exposed),
        labels=dict(state.labels),
        label_lines=dict(state.label_lines),
        instructions=tuple(instructions),
        text=text,
    )


def _start_stage(
    command: buildkit.Command,
    global_args: dict[str, str],
    stages: list[Stage],
    states: dict[str, _StageState],
    where: Location,
    escape: str,
) -> _StageState:
    words = list(command.value)
    if len(words) not in (1, 3) or (len(words) == 3 and words[1].upper() != "AS"):
        raise DockerfileError.at("FROM takes an image and an optional 'AS name'", where)
    base = expand(words[0], global_args, where, escape)
    if not base:
        raise DockerfileError.at(f"FROM image {words[0]!r} expands to nothing", where)
    alias = words[2].lower() if len(words) == 3 else None
    stages.append(Stage(base=base, name=alias, line=where.line or 0))
    parent = states.get(base.lower())
    state = _StageState()
    if parent is not None:  # FROM an earlier stage: its image config carries over
        state = _StageState(
            env=dict(parent.env),
            labels=dict(parent.labels),
            label_lines=dict(parent.label_lines),
            user=parent.user,
            user_line=parent.user_line,
            entrypoint=parent.entrypoint,
            cmd=parent.cmd,
            exposed=list(parent.exposed),
        )
    if alias:
        states[alias] = state
    states[str(len(stages) - 1)] = state
    return state


def _apply(
    name: str,
    command: buildkit.Command,
    state: _StageState,
    global_args: dict[str, str],
    where: Location,
    escape: str,
) -> None:
    values = list(command.value)
    if name == "ARG":
        _apply_arg(values, state.args, global_args, where, escape)
    elif name == "ENV":
        _require_pairs(values, where, "ENV")
        before = state.variables()  # an ENV line does not see its own earlier pairs
        for key, raw in zip(values[::2], values[1::2], strict=True):
            state.env[key] = expand(raw, before, where, escape)
    elif name == "LABEL":
        _require_pairs(values, where, "LABEL")
        variables = state.variables()
        for key, raw in zip(values[::2], values[1::2], strict=True):
            label = expand(key, variables, where, escape)
            state.labels[label] = expand(raw, variables, where, escape)
            state.label_lines[label] = where.line or 0
    elif name == "USER":
        if len(values) != 1 or not values[0]:
            raise DockerfileError.at("USER takes one user[:group]", where)
        state.user = expand(values[0], state.variables(), where, escape)
        state.user_line = where.line
    elif name == "EXPOSE":
        state.exposed.extend(expand(v, state.variables(), where, escape) for v in values)
    elif name in ("ENTRYPOINT", "CMD"):
        form = tuple(values) if command.json else ("/bin/sh", "-c", *values)
        if name == "ENTRYPOINT":
            state.entrypoint = form
            state.cmd = None  # Docker resets CMD when ENTRYPOINT is set
        else:
            state.cmd = form
    elif not values and not command.heredocs:
        raise DockerfileError.at(f"{name} needs arguments", where)


def _apply_arg(
    values: list[str],
    target: dict[str, str],
    global_args: dict[str, str],
    where: Location,
    escape: str,
) -> None:
    if not values:
        raise DockerfileError.at("ARG needs a name", where)
    for item in values:
        key, eq, raw = item.partition("=")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key):
            raise DockerfileError.at(f"ARG name {key!r} is not a valid variable name", where)
        if eq:
            target[key] = expand(raw, {**global_args, **target}, where, escape)
        elif key in global_args:  # re-declared global ARG: inherits its default
            target[key] = global_args[key]


def _require_pairs(values: list[str], where: Location, name: str) -> None:
    if not values or len(values) % 2:
        raise DockerfileError.at(f"{name} takes key=value pairs", where)


_VAR = re.compile(
    r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+?])(?P<word>[^}]*))?\}"
    r"|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))"
)


def expand(word: str, variables: Mapping[str, str], where: Location, escape: str = "\\") -> str:
    """Remove quotes and expand ``$VAR`` / ``${VAR}`` / ``${VAR:-x}`` as Docker does.

    Single quotes keep their text literal; double quotes expand variables and let the
    escape character protect ``"``, ``$`` and itself; outside quotes the escape character
    protects any character.
    """
    if "$" not in word and "'" not in word and '"' not in word and escape not in word:
        return word  # nothing to remove or expand: most words
    out: list[str] = []
    size = len(word)  # an upper bound of the result, but for what variables add
    i = 0
    quote: str | None = None
    while i < len(word):
        ch = word[i]
        if quote == "'":
            if ch == "'":
                quote = None
            else:
                out.append(ch)
            i += 1
        elif ch == escape and i + 1 < len(word) and (quote is None or word[i + 1] in ('"', "$", escape)):
            out.append(word[i + 1])
            i += 2
        elif ch in "'\"" and (quote is None or quote == ch):
            quote = None if quote else ch
            i += 1
        elif ch == "$":
            match = _VAR.match(word, i)
            if match is None:
                if word.startswith("${", i):
                    raise DockerfileError.at(f"bad variable substitution in {word!r}", where)
                out.append(ch)
                i += 1
                continue
            value = _substitute(match, variables, where)
            size += len(value)
            if size > MAX_EXPANDED:
                raise DockerfileError.at(
                    f"{word[:40]!r}{'...' if len(word) > 40 else ''} expands to more than "
                    f"{MAX_EXPANDED:,} characters",
                    where,
                    "variables that repeat variables grow exponentially; write the value out",
                )
            out.append(value)
            i = match.end()
        else:
            out.append(ch)
            i += 1
    if quote:
        raise DockerfileError.at(f"unterminated quote in {word!r}", where)
    return "".join(out)


def _substitute(match: re.Match[str], variables: Mapping[str, str], where: Location) -> str:
    name = match["braced"] or match["plain"]
    value = variables.get(name)
    op, alternative = match["op"], match["word"] or ""
    if op is None:
        return value or ""
    is_set = value is not None and (value != "" or not op.startswith(":"))
    if op.endswith("-"):
        return value if is_set and value is not None else alternative
    if op.endswith("+"):
        return alternative if is_set else ""
    if not is_set:  # ${VAR?message}
        raise DockerfileError.at(f"{name}: {alternative or 'parameter not set'}", where)
    return value or ""


def _escape_directive(text: str) -> str:
    for line in text.splitlines():
        match = re.fullmatch(r"\s*#\s*escape\s*=\s*([\\`])\s*", line)
        if match:
            return match.group(1)
        if not re.fullmatch(r"\s*#\s*\w+\s*=.*", line):
            break
    return "\\"


def _guess_error_line(text: str, message: str) -> int | None:
    """BuildKit's parse errors carry no line; point at the heredoc or the last line."""
    lines = text.splitlines()
    if "heredoc" in message:
        for number in range(len(lines), 0, -1):
            if "<<" in lines[number - 1]:
                return number
    return len(lines) or None
