"""``jds apply`` of the example farm against MockJenkins, through the real python-jenkins client.

Writes are counted in MockJenkins' request log; hand edits are made through python-jenkins as
a user's script (or the UI) would make them.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import jenkins
import pytest

from jenkins_docker_sdk.apply import ApplyResult, apply_output, stamp
from jenkins_docker_sdk.cli import main
from jenkins_docker_sdk.clients import JenkinsClient, RetryPolicy
from jenkins_docker_sdk.render import render_path
from jenkins_docker_sdk.testing import MockJenkins, RequestRecord
from tests.conftest import EXAMPLE_FARM

URL = "http://jenkins.test"
TOKEN = "11d0c0ffee5ecret7oken2c8b9e1f0a3"
JOBS = [
    "platform/base-images",
    "teamA/e2e",
    "teamA/web-build",
    "teamA/web-deploy",
    "teamB/awesome-build",
    "teamB/awesome-nightly",
    "teamB/gradle-plugins",
    "teamC/pipeline-image",
    "teamC/pipeline-tests",
    "teamC/train-models",
    "teamD/app-release",
]
TEAMS = ["platform", "teamA", "teamB", "teamC", "teamD"]
NIGHTLY = "teamB/awesome-nightly"
TEAMB_MANIFEST = "teamB/centos7-java/jenkins-docker.yml"

pytestmark = pytest.mark.mock_jenkins(users={"bot": TOKEN})


@pytest.fixture
def farm(tmp_path: Path) -> Path:
    """A copy of the example farm that a test may edit."""
    return Path(shutil.copytree(EXAMPLE_FARM, tmp_path / "farm"))


@pytest.fixture
def render(farm: Path, tmp_path: Path) -> Callable[[], Path]:
    """Render the (possibly edited) farm into OUT, as `jds render FARM -o OUT` does."""
    out = tmp_path / "out"

    def run() -> Path:
        render_path(farm, out)
        return out

    return run


@pytest.fixture
def client() -> JenkinsClient:
    return JenkinsClient(url=URL, user="bot", token=TOKEN, retry=RetryPolicy(backoff=0))


def edit(farm: Path, relative: str, old: str, new: str) -> None:
    path = farm / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def writes(jenkins_mock: MockJenkins) -> list[RequestRecord]:
    return [r for r in jenkins_mock.request_log if r.method != "GET"]


def hand_edit(job: str, old: str, new: str) -> None:
    """Change a job's config.xml on the controller as a user would, keeping its description."""
    server = jenkins.Jenkins(URL, "bot", TOKEN)
    server.reconfig_job(job, server.get_job_config(job).replace(old, new))


def summary(result: ApplyResult) -> dict[str, int]:
    return {action: count for action, count in result.plan.summary()["job"].items() if count}


def test_first_apply_creates_every_folder_and_job(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    out = render()
    result = apply_output(out, client)
    assert result.ok
    assert summary(result) == {"create": 11}
    assert sorted(mock_jenkins.folders) == TEAMS
    assert sorted(mock_jenkins.jobs) == JOBS
    for name in JOBS:  # each job holds the rendered config.xml, its hash stamped in the marker
        expected = stamp((out / "jobs" / f"{name}.config.xml").read_text(encoding="utf-8"))
        assert mock_jenkins.jobs[name] == expected.xml
        assert f"sha256:{expected.hash}" in (mock_jenkins.job(name).description or "")
    posts = [(r.method, r.path, r.query) for r in writes(mock_jenkins)]
    assert posts[:5] == [("POST", "/createItem", f"name={team}") for team in TEAMS]
    assert sorted(posts[5:]) == sorted(
        ("POST", f"/job/{name.split('/')[0]}/createItem", f"name={name.split('/')[1]}") for name in JOBS
    )
    reads = [r.path for r in mock_jenkins.request_log if r.method == "GET"]
    assert reads == ["/api/json", "/crumbIssuer/api/json"]  # one bulk read, one crumb


def test_a_second_apply_makes_no_writes_and_one_request(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    out = render()
    apply_output(out, client)
    mock_jenkins.clear_request_log()
    result = apply_output(out, client)
    assert result.ok
    assert summary(result) == {"unchanged": 11}
    assert result.outcomes == ()
    assert [(r.method, r.path) for r in mock_jenkins.request_log] == [("GET", "/api/json")]


def test_a_changed_job_costs_one_read_and_one_write(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    apply_output(render(), client)
    edit(farm, TEAMB_MANIFEST, "./buildme.sh --integration", "./buildme.sh --integration --fast")
    out = render()
    mock_jenkins.clear_request_log()
    result = apply_output(out, JenkinsClient(url=URL, user="bot", token=TOKEN))  # a new run: no crumb yet
    assert result.ok
    assert summary(result) == {"update": 1, "unchanged": 10}
    assert [(r.method, r.path) for r in mock_jenkins.request_log] == [
        ("GET", "/api/json"),
        ("GET", "/job/teamB/job/awesome-nightly/config.xml"),  # still what jds applied?
        ("GET", "/crumbIssuer/api/json"),
        ("POST", "/job/teamB/job/awesome-nightly/config.xml"),
    ]
    assert "--integration --fast" in mock_jenkins.jobs[NIGHTLY]


def test_a_hand_edited_job_is_reported_as_drifted_and_left_alone_unless_forced(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    apply_output(render(), client)
    hand_edit(NIGHTLY, "./buildme.sh --integration", "./buildme.sh --integration --debug")
    edited = mock_jenkins.jobs[NIGHTLY]
    edit(farm, TEAMB_MANIFEST, "./buildme.sh --integration", "./buildme.sh --integration --fast")
    out = render()

    mock_jenkins.clear_request_log()
    result = apply_output(out, client)
    assert result.ok  # nothing failed: the drifted job was left alone on purpose
    assert summary(result) == {"drifted": 1, "unchanged": 10}
    step = next(s for s in result.plan.steps if s.name == NIGHTLY)
    assert step.drift == "its config.xml was edited on the controller after jds applied it"
    assert writes(mock_jenkins) == []
    assert mock_jenkins.jobs[NIGHTLY] == edited

    result = apply_output(out, client, force=True)
    assert result.ok
    assert summary(result) == {"update": 1, "unchanged": 10}
    assert mock_jenkins.jobs[NIGHTLY] == stamp((out / f"jobs/{NIGHTLY}.config.xml").read_text()).xml


def test_a_hand_edit_of_an_unchanged_job_needs_verify(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    """The bulk read sees names and descriptions only: --verify reads every config.xml."""
    out = render()
    apply_output(out, client)
    hand_edit(NIGHTLY, "./buildme.sh --integration", "./buildme.sh --integration --debug")
    assert summary(apply_output(out, client)) == {"unchanged": 11}  # not visible without --verify

    mock_jenkins.clear_request_log()
    result = apply_output(out, client, verify=True)
    assert summary(result) == {"drifted": 1, "unchanged": 10}
    assert len([r for r in mock_jenkins.request_log if r.path.endswith("/config.xml")]) == 11
    assert writes(mock_jenkins) == []

    assert summary(apply_output(out, client, verify=True, force=True)) == {"update": 1, "unchanged": 10}
    assert "--debug" not in mock_jenkins.jobs[NIGHTLY]


def test_a_description_edit_is_seen_without_reading_any_config(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    out = render()
    apply_output(out, client)
    hand_edit(NIGHTLY, "<description>Nightly", "<description>DO NOT TOUCH. Nightly")
    mock_jenkins.clear_request_log()
    result = apply_output(out, client)
    assert summary(result) == {"drifted": 1, "unchanged": 10}
    assert [r.path for r in mock_jenkins.request_log] == ["/api/json"]


def test_a_job_made_by_hand_with_a_rendered_name_is_not_overwritten(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    mock_jenkins.add_job(NIGHTLY)  # someone's own freestyle job, no marker
    result = apply_output(render(), client)
    assert result.ok
    assert summary(result) == {"create": 10, "drifted": 1}
    assert "<project>" in mock_jenkins.jobs[NIGHTLY]


def test_prune_deletes_only_managed_jobs_no_longer_rendered(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    apply_output(render(), client)
    mock_jenkins.add_job("teamB/someones-own-job")  # no marker: never deleted
    mock_jenkins.add_job("unrelated")
    edit(farm, TEAMB_MANIFEST, "  - name: awesome-nightly\n", "  - name: awesome-weekly\n")
    out = render()

    result = apply_output(out, client)  # without --prune nothing is deleted
    assert summary(result) == {"create": 1, "unchanged": 10, "stale": 1}
    assert NIGHTLY in mock_jenkins.jobs
    assert result.unmanaged == 2

    mock_jenkins.clear_request_log()
    result = apply_output(out, client, prune=True)
    assert result.ok
    assert summary(result) == {"delete": 1, "unchanged": 11}
    assert NIGHTLY not in mock_jenkins.jobs
    assert {"teamB/someones-own-job", "unrelated", "teamB/awesome-weekly"} <= set(mock_jenkins.jobs)
    assert [r.path for r in writes(mock_jenkins)] == ["/job/teamB/job/awesome-nightly/doDelete"]


def test_prune_removes_a_team_folder_that_jds_made_once_its_jobs_are_gone(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    apply_output(render(), client)
    shutil.rmtree(farm / "teamD")
    result = apply_output(render(), client, prune=True, prune_teams=("teamD",))  # retired on purpose
    assert result.ok
    assert [(s.name, s.action.value) for s in result.plan.steps][-2:] == [
        ("teamD/app-release", "delete"),
        ("teamD", "delete"),
    ]
    assert "teamD" not in mock_jenkins.folders
    assert not [name for name in mock_jenkins.jobs if name.startswith("teamD/")]


def test_prune_keeps_a_team_folder_that_holds_something_else(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    apply_output(render(), client)
    mock_jenkins.add_job("teamD/hand-made")
    shutil.rmtree(farm / "teamD")
    result = apply_output(render(), client, prune=True, prune_teams=("teamD",))  # retired on purpose
    assert result.ok
    assert "teamD" in mock_jenkins.folders
    assert set(mock_jenkins.jobs) >= {"teamD/hand-made"}
    assert "teamD/app-release" not in mock_jenkins.jobs


def test_a_controller_failing_mid_sync_reports_what_was_not_applied_and_a_rerun_finishes(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    out = render()
    mock_jenkins.fail("POST", r"^/job/teamB/createItem", status=500, times=None)
    result = apply_output(out, client)
    assert not result.ok
    failed = sorted(o.step.name for o in result.not_applied)
    assert failed == ["teamB/awesome-build", "teamB/awesome-nightly", "teamB/gradle-plugins"]
    assert all("500" in (o.error or "") for o in result.not_applied)
    assert sorted(mock_jenkins.jobs) == [name for name in JOBS if not name.startswith("teamB/")]

    mock_jenkins.clear_faults()
    mock_jenkins.clear_request_log()
    result = apply_output(out, client)
    assert result.ok
    assert summary(result) == {"create": 3, "unchanged": 8}
    assert sorted(mock_jenkins.jobs) == JOBS
    assert len(writes(mock_jenkins)) == 3


def test_a_controller_that_stops_answering_halts_the_run_and_a_rerun_finishes(
    mock_jenkins: MockJenkins, render: Callable[[], Path]
) -> None:
    out = render()
    client = JenkinsClient(url=URL, user="bot", token=TOKEN, retry=RetryPolicy(retries=1, backoff=0))
    mock_jenkins.drop_connections(r"createItem", times=None, method="POST")
    result = apply_output(out, client, concurrency=1)
    assert not result.ok
    assert result.halted is not None
    assert "cannot reach the controller" in result.halted
    assert len(result.not_applied) == 16  # 5 folders; the jobs were not sent at all
    assert sum(1 for o in result.not_applied if not o.sent) == 15
    assert mock_jenkins.jobs == {}
    assert len(writes(mock_jenkins)) == 2  # one folder, tried twice; nothing after the halt

    mock_jenkins.clear_faults()
    assert apply_output(out, client).ok
    assert sorted(mock_jenkins.jobs) == JOBS


def test_transient_errors_are_retried_with_backoff(
    mock_jenkins: MockJenkins, render: Callable[[], Path]
) -> None:
    waits: list[float] = []
    client = JenkinsClient(url=URL, user="bot", token=TOKEN, sleep=waits.append)
    mock_jenkins.fail("POST", r"^/job/teamA/createItem", status=503, times=2)
    mock_jenkins.drop_connections(r"^/api/json", times=1)
    result = apply_output(render(), client, concurrency=1)
    assert result.ok
    assert sorted(mock_jenkins.jobs) == JOBS
    assert waits == [0.5, 0.5, 1.0]  # the bulk read once; one create twice
    statuses = [r.status for r in mock_jenkins.request_log if r.path == "/job/teamA/createItem"]
    assert statuses == [503, 503, 200, 200, 200]


def test_a_missing_permission_is_named(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], client: JenkinsClient
) -> None:
    mock_jenkins.deny("Job/Create", user="bot")
    result = apply_output(render(), client)
    assert not result.ok
    assert "user 'bot' lacks the Job/Create permission, needed to create teamA at the top level" in (
        result.not_applied[1].error or ""
    )
    mock_jenkins.allow(user="bot")
    apply_output(render(), client)

    edit(farm, TEAMB_MANIFEST, "./buildme.sh --integration", "./buildme.sh --integration --fast")
    mock_jenkins.deny("Job/Configure", user="bot")
    result = apply_output(render(), client)
    (outcome,) = result.not_applied
    assert "lacks the Job/Configure permission, needed to configure teamB/awesome-nightly" in (
        outcome.error or ""
    )

    mock_jenkins.deny("Overall/Administer", user="bot")
    result = apply_output(render(), client, cloud_script=True)
    assert result.cloud_script is not None
    assert "lacks the Overall/Administer permission, needed to run a script" in (
        result.cloud_script.error or ""
    )


def test_cloud_script_runs_in_the_script_console(
    mock_jenkins: MockJenkins, render: Callable[[], Path], client: JenkinsClient
) -> None:
    out = render()
    result = apply_output(out, client, cloud_script=True)
    assert result.ok
    assert result.cloud_script is not None
    (script,) = mock_jenkins.scripts_run
    assert script.startswith((out / "groovy/clouds.groovy").read_text(encoding="utf-8"))


def test_the_token_never_shows(
    mock_jenkins: MockJenkins, render: Callable[[], Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = JenkinsClient(url=URL, user="bot", token=TOKEN, retry=RetryPolicy(retries=1, backoff=0))
    mock_jenkins.fail(None, r"createItem", status=500, times=None, body=f"echo of {TOKEN}")
    result = apply_output(render(), client)
    assert not result.ok
    texts = [caplog.text, repr(client), json.dumps(result.to_dict()), repr(result)]
    texts += [o.error or "" for o in result.not_applied]
    assert all(TOKEN not in text for text in texts)
    assert "echo of ****" in (result.not_applied[0].error or "")
    assert all(TOKEN not in str(record) for record in mock_jenkins.request_log)


# --- the command line -----------------------------------------------------------------------


def jds(*args: str) -> int:
    return main(["apply", *args, "--jenkins", URL, "--user", "bot", "--token-env", "JDS_TEST_TOKEN"])


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JDS_TEST_TOKEN", TOKEN)


@pytest.mark.usefixtures("token_env")
def test_cli_dry_run_prints_the_plan_and_writes_nothing(
    mock_jenkins: MockJenkins, render: Callable[[], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = render()
    assert jds(str(out), "--dry-run") == 0
    text = capsys.readouterr().out
    assert f"Plan for {out} -> {URL}/ (dry run: nothing written)" in text
    assert "  create    job     teamA/web-build" in text
    assert (
        "jobs: 11 to create, 0 to update, 0 to delete, 0 unchanged, 0 drifted, 0 stale; folders: 5 to create"
        in text
    )
    assert mock_jenkins.jobs == {}
    assert writes(mock_jenkins) == []

    assert jds(str(out), "--dry-run", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["dry_run"] is True
    assert data["summary"]["job"]["create"] == 11
    assert {step["name"] for step in data["steps"]} == {*JOBS, *TEAMS}


@pytest.mark.usefixtures("token_env")
def test_cli_applies_reports_drift_and_exits_1_on_failure(
    mock_jenkins: MockJenkins, farm: Path, render: Callable[[], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    out = render()
    assert jds(str(out)) == 0
    assert "jobs: 11 created, 0 updated, 0 deleted" in capsys.readouterr().out
    hand_edit(NIGHTLY, "./buildme.sh --integration", "./buildme.sh --integration --debug")
    edit(farm, TEAMB_MANIFEST, "./buildme.sh --integration", "./buildme.sh --integration --fast")
    edit(farm, TEAMB_MANIFEST, "steps: [./buildme.sh]", "steps: [./buildme.sh --all]")
    out = render()
    mock_jenkins.fail("POST", r"awesome-build/config\.xml", status=500, times=None)
    assert jds(str(out), "--retries", "0") == 1
    captured = capsys.readouterr()
    assert f"  drifted   job     {NIGHTLY}" in captured.out
    assert "jobs: 0 created, 0 updated, 0 deleted, 9 unchanged, 1 drifted, 0 stale" in captured.out
    assert "  update    job     teamB/awesome-build    the rendered configuration changed - NOT APPLIED" in (
        captured.out
    )
    assert "error: 1 not applied (re-run to finish the sync):" in captured.err
    assert (
        "teamB/awesome-build (update): POST http://jenkins.test/job/teamB/job/awesome-build/config.xml"
        in (captured.err)
    )
    assert "Traceback" not in captured.err


def test_cli_bad_input_exits_2(
    tmp_path: Path, render: Callable[[], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["apply", str(tmp_path), "--jenkins", URL]) == 2
    assert "not a jds render output: it has no report.json" in capsys.readouterr().err
    out = render()
    assert main(["apply", str(out), "--jenkins", "jenkins.test"]) == 2
    assert "bad Jenkins URL 'jenkins.test'" in capsys.readouterr().err
    assert main(["apply", str(out), "--jenkins", URL, "--user", "bot", "--token-env", "JDS_UNSET_VAR"]) == 2
    assert "environment variable JDS_UNSET_VAR is unset or empty" in capsys.readouterr().err
    assert main(["apply", str(out)]) == 2  # no --jenkins and no $JENKINS_URL


def test_cli_wrong_token_exits_1_without_showing_it(
    mock_jenkins: MockJenkins, render: Callable[[], Path], monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("JDS_TEST_TOKEN", "wrong-" + TOKEN)
    assert jds(str(render())) == 1
    err = capsys.readouterr().err
    assert "401" in err
    assert "the controller did not accept the credentials of user 'bot'" in err
    assert "check --user and the API token in $JDS_TEST_TOKEN" in err
    assert TOKEN not in err
