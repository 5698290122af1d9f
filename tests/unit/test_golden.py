"""The example farm renders exactly to the reviewed files in tests/golden/example-farm.

After an intended change, regenerate with JDS_UPDATE_GOLDENS=1 and review the diff.
"""

from __future__ import annotations

import json
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from jenkins_docker_sdk import Farm, Renderer, render_farm, render_path
from jenkins_docker_sdk.render import REPORT

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "example-farm"


@pytest.fixture(scope="module")
def rendered(example_farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "out"
    render_farm(example_farm, out)
    if os.environ.get("JDS_UPDATE_GOLDENS") == "1":
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(out, GOLDEN)
    return out


def _files(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_outputs_match_the_golden_files(rendered: Path) -> None:
    actual, expected = _files(rendered), _files(GOLDEN)
    assert sorted(actual) == sorted(expected)
    for name, text in expected.items():
        assert actual[name] == text, f"{name} differs from tests/golden/example-farm/{name}"


def test_every_output_kind_is_there(rendered: Path) -> None:
    names = set(_files(rendered))
    assert {"seed/seed.groovy", "seed/seed.json", "casc/clouds.yaml", "casc/kubernetes.yaml",
            "groovy/clouds.groovy", "report.json"} <= names  # fmt: skip
    assert "jobs/teamB/awesome-build.Jenkinsfile" in names
    assert "jobs/teamB/awesome-build.config.xml" in names


def test_rendering_twice_gives_identical_bytes(example_farm: Farm, rendered: Path, tmp_path: Path) -> None:
    render_farm(example_farm, tmp_path / "again")
    assert _files(tmp_path / "again") == _files(rendered)


def test_the_in_memory_render_and_the_one_pass_render_write_the_same_files(
    example_farm: Farm, rendered: Path, tmp_path: Path
) -> None:
    written = _files(rendered)
    del written[REPORT]
    assert dict(Renderer().render(example_farm)) == written
    render_path(example_farm.root, tmp_path / "one-pass", workers=1)
    assert _files(tmp_path / "one-pass") == _files(rendered)


def test_docker_cloud_yaml_holds_the_intended_templates(example_farm: Farm, rendered: Path) -> None:
    cloud = yaml.safe_load((rendered / "casc/clouds.yaml").read_text())["jenkins"]["clouds"][0]["docker"]
    assert cloud["name"] == "docker-farm"
    assert cloud["dockerApi"] == {"dockerHost": {"uri": "tcp://swarm.example.com:2376"}}
    templates = {t["name"]: t for t in cloud["templates"]}
    assert sorted(templates) == sorted(t.name for t in example_farm.templates)
    java = templates["teamB-centos7-java"]
    assert java["labelString"] == "centos7 debian12 java maven team=teamB teamB"
    assert java["connector"] == {"ssh": {"port": 22, "sshKeyStrategy": {"injectSSHKey": {"user": "jenkins"}}}}
    assert java["dockerTemplateBase"] == {
        "image": "registry.example.com/teamb/centos7-java:2024.06", "memoryLimit": 4096, "cpus": "2"
    }  # fmt: skip
    assert java["mode"] == "EXCLUSIVE"
    assert java["instanceCapStr"] == "5"
    assert java["retentionStrategy"] == {"idleMinutes": 1}
    assert templates["teamB-gradle-tools"]["connector"] == {"attach": {"user": "jenkins"}}
    socket_mounts = {name for name, t in templates.items() if t["dockerTemplateBase"].get("mounts")}
    assert socket_mounts == {"platform-drydock"}  # only DryDock sees the Docker socket


def test_kubernetes_yaml_has_the_inbound_templates(example_farm: Farm, rendered: Path) -> None:
    cloud = yaml.safe_load((rendered / "casc/kubernetes.yaml").read_text())["jenkins"]["clouds"][0][
        "kubernetes"
    ]
    pods = {t["name"]: t for t in cloud["templates"]}
    assert sorted(pods) == sorted(t.name for t in example_farm.templates if t.connector == "jnlp")
    ml = pods["teamC-python-ml"]
    assert ml["containers"] == [{"name": "jnlp", "image": "registry.example.com/teamc/python-ml",
                                 "workingDir": "/home/jenkins/agent", "resourceLimitMemory": "16384Mi",
                                 "resourceLimitCpu": "4"}]  # fmt: skip


def test_config_xml_is_a_managed_flow_definition(rendered: Path) -> None:
    root = ET.parse(rendered / "jobs/teamB/awesome-build.config.xml").getroot()
    assert root.tag == "flow-definition"
    assert root.findtext("description", "").endswith("<!-- Managed by jenkins-docker-sdk -->")
    assert root.find("definition").get("class") == "org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition"
    assert root.findtext("definition/sandbox") == "true"
    specs = [e.text for e in root.iter("spec")]
    assert specs == ["H 2 * * *", "H/5 * * * *"]


def test_report_binds_each_job_to_its_templates(rendered: Path) -> None:
    report = json.loads((rendered / "report.json").read_text())
    jobs = {job["name"]: job for job in report["jobs"]}
    assert jobs["teamB/awesome-build"]["templates"] == ["teamB-centos7-java"]
    assert jobs["teamC/pipeline-image"] == {"name": "teamC/pipeline-image", "label": "team=teamC && drydock",
                                            "templates": ["platform-drydock"], "docker": True}  # fmt: skip
    assert report["summary"] == {"teams": 5, "repos": 9, "templates": 7, "jobs": 11}
    assert set(report["files"]) >= {"seed/seed.groovy", "seed/seed.json", "casc/clouds.yaml"}
