"""Fixtures of the credentials tests: canary values for every credential of the example farm."""

from __future__ import annotations

import base64

import pytest

from jenkins_docker_sdk import Farm
from jenkins_docker_sdk.credentials.sync import farm_credentials
from jenkins_docker_sdk.model import FIELDS, variable

CANARY = "cAnArY"  # every secret value of the tests starts with it


def canary_values(farm: Farm) -> dict[str, str]:
    """A distinct canary for every value of every credential ``farm`` declares."""
    values = {}
    for number, credential in enumerate(farm_credentials(farm)):
        for field in FIELDS[credential.type]:
            name = variable(credential, field)
            if not field.secret:
                values[name] = f"user{number}"
            elif field.name == "KEYSTORE_BASE64":
                values[name] = base64.b64encode(f"{CANARY}-keystore-{number}".encode()).decode()
            elif field.name == "PRIVATE_KEY":
                values[name] = f"{CANARY}-key-{number}-Zm9vYmFy"
            else:
                values[name] = f"{CANARY}-{field.name.lower()}-{number}"
    return values


def secrets_of(values: dict[str, str]) -> list[str]:
    """The canaries as they would travel: the values, and what the keystores decode to."""
    found = [v for v in values.values() if CANARY in v]
    found += [base64.b64decode(v).decode() for k, v in values.items() if k.endswith("_KEYSTORE_BASE64")]
    return found


@pytest.fixture
def canaries(example_farm: Farm) -> dict[str, str]:
    return canary_values(example_farm)
