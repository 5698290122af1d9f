"""CredentialInjector, the façade: what a script calls."""

from __future__ import annotations

from pathlib import Path

import yaml

from jenkins_docker_sdk import CredentialInjector, Farm, SecretMasker
from jenkins_docker_sdk.credentials.sources import MappingSource
from tests.conftest import EXAMPLE_FARM


def test_the_injector_on_the_example_farm(tmp_path: Path, canaries: dict[str, str]) -> None:
    injector = CredentialInjector(masker=SecretMasker())
    farm = Farm.from_path(EXAMPLE_FARM)

    assert injector.check(farm) == []
    keys = [c.key for c in injector.credentials(farm)]
    assert keys[:2] == ["registry-pull", "sonarqube-token"]  # global ones first
    assert len(keys) == 16
    assert "teamB/teamB-kubeconfig" in keys
    casc = yaml.safe_load(injector.casc_yaml(farm))
    assert len(casc["credentials"]["system"]["domainCredentials"][0]["credentials"]) == 2

    values = injector.read_values(farm, MappingSource(canaries))
    assert "cAnArY" not in repr(values)
    (out := tmp_path / "leak").mkdir()
    (out / "x.txt").write_text(values[0].reveal("PASSWORD") or "")
    [finding] = injector.audit(out)
    assert finding.path == "x.txt"
    assert injector.install_masking().masker is injector.masker
