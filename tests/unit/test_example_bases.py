"""Every example image builds from what this machine reaches: the farm's bases all have stand-ins.

No image registry is reachable here, only a Debian mirror: ``scripts/docker-harness
example-bases`` builds a local stand-in for each base image of the example farm from
``examples/base-stand-ins`` (in directory order, the first FROM the debootstrap rootfs it
passes as ``SLIM``). An example FROM an image without a stand-in cannot build, and
``scripts/demo`` would end with an image that did not pass the gate.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jenkins_docker_sdk import parse_dockerfile

ROOT = Path(__file__).resolve().parents[2]
STAND_INS = sorted((ROOT / "examples" / "base-stand-ins").iterdir())
EXAMPLES = sorted((ROOT / "examples" / "farm").glob("*/*/Dockerfile"))


def stand_in_images() -> list[str]:
    return [(directory / "image").read_text(encoding="utf-8").strip() for directory in STAND_INS]


@pytest.mark.parametrize("dockerfile", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.parent.name}")
def test_every_base_of_an_example_image_has_a_stand_in(dockerfile: Path) -> None:
    stages: set[str] = set()
    for stage in parse_dockerfile(dockerfile).stages:
        assert stage.base in stages or stage.base in stand_in_images(), (
            f"{dockerfile.relative_to(ROOT)}:{stage.line}: FROM {stage.base} has no stand-in in "
            "examples/base-stand-ins, and no registry can be reached to pull it"
        )
        if stage.name:
            stages.add(stage.name)


def test_each_stand_in_builds_from_the_rootfs_or_an_earlier_stand_in() -> None:
    built: list[str] = []
    for directory, image in zip(STAND_INS, stand_in_images(), strict=True):
        (base,) = re.findall(r"^FROM\s+(\S+)", (directory / "Dockerfile").read_text(encoding="utf-8"), re.M)
        assert base == "${SLIM}" or base in built, f"{directory.name}: FROM {base}"
        built.append(image)
