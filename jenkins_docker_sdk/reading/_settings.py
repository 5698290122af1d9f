"""farm.yml at the farm root: the farm-wide settings, every default applied."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs

from jenkins_docker_sdk.errors import InputError
from jenkins_docker_sdk.model import (
    CloudSettings,
    Credential,
    FarmSettings,
    Location,
    Problem,
    Tenancy,
)
from jenkins_docker_sdk.reading._manifest import FarmFile, read
from jenkins_docker_sdk.reading._paths import inside as _inside
from jenkins_docker_sdk.reading._policy_file import read_policy_file
from jenkins_docker_sdk.reading._walk import FARM_FILE
from jenkins_docker_sdk.reading._yaml import load_yaml


def load_settings(root: Path, problems: list[Problem]) -> FarmSettings:
    path = root / FARM_FILE
    if not path.exists():
        return FarmSettings()
    try:
        data = load_yaml(path)
    except InputError as exc:
        problems.extend(exc.problems)
        return FarmSettings()
    farm_file, found = read(data, FarmFile, path, "farm.yml")
    problems.extend(found)
    if farm_file is None:
        return FarmSettings()
    cloud = farm_file.cloud
    defaults = farm_file.defaults
    return FarmSettings(
        jenkins_url=farm_file.jenkins.url if farm_file.jenkins else None,
        registry=farm_file.registry,
        cloud=CloudSettings(**{k: v for k, v in attrs.asdict(cloud).items() if v is not None})
        if cloud
        else CloudSettings(),
        drydock_label=(farm_file.drydock.label if farm_file.drydock else None) or "drydock",
        drydock_teams=tuple((farm_file.drydock.teams if farm_file.drydock else None) or ("platform",)),
        default_branch=(defaults.branch if defaults else None) or "main",
        default_timeout_minutes=(defaults.timeout_minutes if defaults else None) or 60,
        policy=_policy_path(farm_file, data, path, problems),
        credentials=tuple(
            Credential(
                id=c.id,
                type=c.type,
                scope="global",
                description=c.description or "",
                shared=bool(c.shared),
                source=item_location(path, data, "credentials", index),
            )
            for index, c in enumerate(farm_file.credentials or ())
        ),
        tenancy=_tenancy(farm_file),
        source=Location(path),
    )


def _tenancy(farm_file: FarmFile) -> Tenancy:
    config = farm_file.tenancy
    if config is None:
        return Tenancy()
    return Tenancy(
        paths=tuple((entry.path.removesuffix("/"), entry.team) for entry in config.paths or ()),
        shared_teams=tuple(config.shared_teams if config.shared_teams is not None else ("platform",)),
        shared_templates=tuple(config.shared_templates or ()),
        isolation=config.isolation or "all",
        shared_images=tuple(config.shared_images or ()),
    )


def item_location(path: Path, data: Any, key: str, index: int) -> Location:
    """Where item ``index`` of the list under ``key`` of a loaded YAML mapping is."""
    positions = getattr(data.get(key), "positions", [])
    return Location(path, *positions[index]) if index < len(positions) else Location(path)


def _policy_path(farm_file: FarmFile, data: Any, path: Path, problems: list[Problem]) -> Path | None:
    """farm.yml's ``validation.policy``, resolved next to farm.yml; it must exist inside the farm
    root (symlinks followed) and be a policy. A policy elsewhere is given on the command line."""
    name = farm_file.validation.policy if farm_file.validation else None
    if name is None:
        return None
    positions = getattr(data.get("validation"), "positions", {})
    at = Location(path, *positions["policy"]) if "policy" in positions else Location(path)
    policy = path.parent / name
    try:
        outside = not _inside(policy, path.parent)
    except InputError as exc:
        problems.extend(exc.problems)
        return None
    if outside:
        problems.append(
            Problem(
                f"validation.policy {name!r} is outside the farm root {path.parent}",
                at,
                "keep the policy in the farm (a path relative to farm.yml, without '..' or symlinks "
                "leaving it), or leave the key out and give the policy on the command line "
                "(jds validate --farm FARM --policy FILE)",
            )
        )
        return None
    if not policy.is_file():
        problems.append(
            Problem(
                f"validation.policy {name!r}: no such file ({policy})",
                at,
                "give a policy file's path relative to farm.yml, or leave the key out for the default policy",
            )
        )
        return None
    try:
        read_policy_file(policy)
    except InputError as exc:
        problems.extend(exc.problems)
    return policy
