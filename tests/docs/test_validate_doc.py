"""docs/validate.md shows the shipped default policy verbatim and names every policy key."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import yaml

from jenkins_docker_sdk.validation import DEFAULT_POLICY, PolicyFile, load_policy

DOC = Path(__file__).resolve().parents[2] / "docs" / "validate.md"


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_the_default_policy_is_shown_verbatim() -> None:
    shipped = DEFAULT_POLICY.read_text(encoding="utf-8")
    assert shipped in _yaml_blocks(DOC.read_text(encoding="utf-8"))


def test_every_policy_key_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for field in attrs.fields(PolicyFile):
        assert f"`{field.name}`" in text, field.name


def test_the_documented_example_policy_loads(tmp_path: Path) -> None:
    example = next(
        b for b in _yaml_blocks(DOC.read_text(encoding="utf-8")) if b.startswith("extends: default")
    )
    assert yaml.safe_load(example)["extends"] == "default"
    path = tmp_path / "policy.yml"
    path.write_text(example)
    policy = load_policy(path)
    assert policy.trusted_registries == ("registry.example.com",)
    assert policy.requirements_for("jnlp").commandTests[-1].command == "mvn"
