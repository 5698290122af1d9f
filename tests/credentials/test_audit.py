"""``jds audit`` and the audit inside ``jds render``: secrets in rendered output are found and refused."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import attrs
import pytest
import yaml

from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.credentials.masking import SecretMasker
from jenkins_docker_sdk.errors import AuditError
from jenkins_docker_sdk.render import audit_directory, audit_text, render_farm, render_path, templates_dir
from tests.conftest import EXAMPLE_FARM

AWS = "AKIA" + "ABCDEFGHIJKLMNOP"  # the shape of an access key id, split so no scanner trips on this file


@pytest.fixture
def rendered(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    render_path(EXAMPLE_FARM, out)
    return out


def test_the_example_farm_output_is_clean(rendered: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert audit_directory(rendered) == []
    assert main(["audit", str(rendered)]) == 0
    assert "no secret in 29 files" in capsys.readouterr().out


def test_known_values_in_any_form_are_found(
    rendered: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = rendered / "jobs/teamB/awesome-build.Jenkinsfile"
    path.write_text(path.read_text() + "// " + base64.b64encode(b"tok-cAnArY-1").decode() + "\n")
    values = tmp_path / "values.yml"
    values.write_text("TEAMB__TEAMB_DEPLOY_TOKEN_SECRET: tok-cAnArY-1\n")
    values.chmod(0o600)
    masker = SecretMasker()
    masker.add("tok-cAnArY-1")
    [finding] = audit_directory(rendered, masker)
    assert (finding.path, finding.kind) == (
        "jobs/teamB/awesome-build.Jenkinsfile",
        "a credential value from the value source",
    )
    assert finding.line == len(path.read_text().splitlines())

    assert main(["audit", str(rendered), "--values-from", f"file:{values}", "--json"]) == 1
    out = capsys.readouterr().out
    assert json.loads(out)["findings"][0]["path"] == "jobs/teamB/awesome-build.Jenkinsfile"
    assert "cAnArY" not in out
    assert main(["audit", str(rendered), "--values-from", f"file:{values}", "--farm", str(EXAMPLE_FARM)]) == 1
    assert main(["audit", str(rendered), "--values-from", "env"]) == 2


@pytest.mark.parametrize(
    ("text", "kind", "line"),
    [
        ("url: https://deploy:hunter2-x@nexus.example.com/", "a user:password@ URL", 2),
        (f"key = {AWS}", "an AWS access key id", 2),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLez\n",
         "a private key", 3),  # the line where the key's body starts
    ],
)  # fmt: skip
def test_secret_looking_strings_are_found(text: str, kind: str, line: int) -> None:
    [finding] = audit_text("f.yaml", "a: 1\n" + text)
    assert finding.kind.startswith(kind)
    assert finding.line == line
    assert "hunter2" not in str(finding)


def test_placeholders_and_plain_urls_are_not_findings() -> None:
    text = (
        'password: "${REGISTRY_PULL_PASSWORD}"\ngit: git@github.com:x/y.git\nurl: https://h.example.com/a@b\n'
    )
    assert audit_text("casc/credentials.yaml", text) == []


def _farm_with_secret_step(tmp_path: Path) -> Path:
    farm = tmp_path / "farm"
    shutil.copytree(EXAMPLE_FARM, farm)
    manifest = farm / "teamA/node-web/jenkins-docker.yml"
    data = yaml.safe_load(manifest.read_text())
    data["jobs"][0]["steps"].append("curl -T app.tgz https://deploy:s3cr3t-Pw@nexus.example.com/")
    manifest.write_text(yaml.safe_dump(data))
    return farm


@pytest.mark.parametrize("workers", [1, 2])
def test_a_secret_in_a_manifest_is_refused_at_its_line_before_anything_renders(
    tmp_path: Path, rendered: Path, workers: int, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()}
    farm = _farm_with_secret_step(tmp_path)

    assert main(["render", str(farm), "-o", str(rendered), "--workers", str(workers)]) == 2
    assert main(["check", str(farm)]) == 2  # check says the same

    err = capsys.readouterr().err
    manifest = farm / "teamA/node-web/jenkins-docker.yml"
    assert f"{manifest}:" in err
    assert "jobs[0].steps[2] holds a user:password@ URL: curl -T app.tgz https://deploy:****@nexus" in err
    assert "s3cr3t" not in err
    assert "Traceback" not in err
    assert {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()} == before
    assert [p.name for p in rendered.parent.iterdir() if p.name.startswith(".")] == []


def _templates_with_secret(tmp_path: Path) -> Path:
    """The shipped templates, the Jenkinsfile's made to write a password (what no manifest check sees)."""
    templates = Path(shutil.copytree(templates_dir(), tmp_path / "templates"))
    jenkinsfile = templates / "Jenkinsfile.groovy.j2"
    jenkinsfile.write_text("// https://deploy:s3cr3t-Pw@nexus.example.com/\n" + jenkinsfile.read_text())
    return templates


@pytest.mark.parametrize("workers", [1, 2])
def test_the_output_audit_still_refuses_what_reaches_the_output_and_keeps_the_previous_one(
    tmp_path: Path, rendered: Path, workers: int
) -> None:
    before = {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()}
    with pytest.raises(AuditError) as error:
        render_path(EXAMPLE_FARM, rendered, workers=workers, templates=_templates_with_secret(tmp_path))
    assert "jobs/teamA/web-build.Jenkinsfile:1: a user:password@ URL" in str(error.value)
    assert "jobs/teamA/web-build.config.xml" in str(error.value)
    assert "s3cr3t" not in str(error.value)
    assert {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()} == before
    assert [p.name for p in rendered.parent.iterdir() if p.name.startswith(".")] == []


def test_render_farm_audits_too(tmp_path: Path) -> None:
    from jenkins_docker_sdk import Farm

    farm = Farm.from_path(EXAMPLE_FARM)  # a Farm built in code has no manifest check behind it
    repos = [
        attrs.evolve(repo, jobs=tuple(attrs.evolve(job, steps=(f"echo {AWS}",)) for job in repo.jobs))
        for repo in farm.repos
    ]
    with pytest.raises(AuditError, match="an AWS access key id"):
        render_farm(attrs.evolve(farm, repos=tuple(repos)), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_private_key_escaped_into_a_groovy_literal_is_found() -> None:
    key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLez\n"
    groovy = f"node {{\n  sh('cat > k <<EOF\\n{key.replace(chr(10), chr(92) + 'n')}EOF')\n}}\n"
    [finding] = audit_text("jobs/teamX/a.Jenkinsfile", groovy)
    assert finding.kind == "a private key (RSA PRIVATE KEY)"
    assert finding.line == 2
    seed = groovy.replace("\\", "\\\\")  # escaped once more, as the seed embeds a Jenkinsfile
    assert [f.kind for f in audit_text("jobs/seed.groovy", seed)] == ["a private key (RSA PRIVATE KEY)"]


@pytest.mark.parametrize("workers", [1, 2])
def test_render_with_values_refuses_output_holding_one(
    tmp_path: Path, rendered: Path, workers: int, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    farm = tmp_path / "farm"
    shutil.copytree(EXAMPLE_FARM, farm)
    manifest = farm / "teamA/node-web/jenkins-docker.yml"
    data = yaml.safe_load(manifest.read_text())
    data["jobs"][0]["description"] = "token: cAnArY-in-a-description"  # pasted by mistake
    manifest.write_text(yaml.safe_dump(data))
    before = {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()}
    monkeypatch.setenv("TEAMA__TEAMA_NPM_TOKEN_SECRET", "cAnArY-in-a-description")
    monkeypatch.setenv("TEAMA__TEAMA_GIT_USERNAME", "teamA")  # user names are not looked for

    code = main(["render", str(farm), "-o", str(rendered), "--workers", str(workers), "--values-from", "env"])

    err = capsys.readouterr().err
    assert code == 1, err
    assert "2 secret(s) in the rendered output; nothing was written" in err
    assert "jobs/teamA/web-build.config.xml:" in err
    assert "seed/seed.json:" in err
    assert "a credential value from the value source" in err
    assert "cAnArY" not in err
    assert {p: p.read_bytes() for p in rendered.rglob("*") if p.is_file()} == before
    assert main(["render", str(EXAMPLE_FARM), "-o", str(rendered), "--values-from", "env"]) == 0
