"""The apply planner: every category, what it reads first, prune only what is managed, force."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import pytest

from jenkins_docker_sdk.apply import (
    Action,
    Desired,
    DesiredItem,
    Options,
    Plan,
    configs_to_read,
    make_plan,
    stamp,
)
from jenkins_docker_sdk.apply.marker import stamped_marker
from jenkins_docker_sdk.clients import RemoteItem
from jenkins_docker_sdk.render import MANAGED_MARKER
from jenkins_docker_sdk.render._escaping import xml_text

CONFIG = """<?xml version='1.0' encoding='UTF-8'?>
<flow-definition plugin="workflow-job">
  <description>{description}</description>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition" plugin="workflow-cps">
    <script>{script}</script>
    <sandbox>true</sandbox>
  </definition>
</flow-definition>
"""


def config(script: str = "node { sh('make') }", description: str = "Builds it") -> str:
    """A rendered config.xml, marker plain, as jds render writes it."""
    return CONFIG.format(description=xml_text(f"{description}\n\n{MANAGED_MARKER}"), script=xml_text(script))


def rendered(name: str, script: str = "node { sh('make') }") -> DesiredItem:
    stamped = stamp(config(script))
    return DesiredItem(name, False, stamped.xml, stamped.hash, stamped.description)


def folder(name: str) -> DesiredItem:
    stamped = stamp(config("", f"Jobs of team {name}"))
    return DesiredItem(name, True, stamped.xml, stamped.hash, stamped.description)


def desired(*jobs: DesiredItem) -> Desired:
    teams = sorted({job.name.split("/")[0] for job in jobs})
    return Desired(out=Path("out"), jobs=jobs, folders=tuple(folder(t) for t in teams), cloud_script=None)


def applied(job: DesiredItem) -> RemoteItem:
    """The job on the controller as jds apply left it."""
    return RemoteItem(job.name, job.description.replace(MANAGED_MARKER, stamped_marker(job.hash)), False)


def dir_(name: str, description: str | None = None) -> RemoteItem:
    return RemoteItem(name, description, True)


def plan_for(
    want: Desired, remote: list[RemoteItem], configs: dict[str, str] | None = None, **options: Any
) -> Plan:
    chosen = Options(**options)
    assert sorted(configs or {}) == configs_to_read(want, remote, chosen)
    return make_plan(want, remote, configs or {}, chosen)


def actions(plan: Plan) -> dict[str, str]:
    return {step.name: step.action.value for step in plan.steps}


OLD = rendered("teamA/build", "node { sh('make old') }")
NEW = rendered("teamA/build", "node { sh('make new') }")


def test_an_empty_controller_gets_folders_then_jobs() -> None:
    plan = plan_for(desired(rendered("teamB/test"), rendered("teamA/build")), [])
    assert [(s.kind, s.name, s.action.value) for s in plan.steps] == [
        ("folder", "teamA", "create"),
        ("folder", "teamB", "create"),
        ("job", "teamA/build", "create"),
        ("job", "teamB/test", "create"),
    ]
    assert all(step.config_xml for step in plan.writes)


def test_an_applied_job_is_unchanged_and_nothing_is_read() -> None:
    job = rendered("teamA/build")
    plan = plan_for(desired(job), [dir_("teamA"), applied(job)])
    assert actions(plan) == {"teamA": "unchanged", "teamA/build": "unchanged"}
    assert plan.writes == ()


def test_a_changed_job_is_updated_once_its_config_still_matches_its_hash() -> None:
    remote = [dir_("teamA"), applied(OLD)]
    plan = plan_for(desired(NEW), remote, {"teamA/build": OLD.config_xml})
    step = plan.steps[-1]
    assert (step.action, step.drift, step.hash, step.remote_hash) == (Action.UPDATE, None, NEW.hash, OLD.hash)
    assert step.config_xml == NEW.config_xml


def test_jenkins_reformatting_the_config_is_not_drift() -> None:
    """What Jenkins hands back: XML 1.1 declaration, plugin versions, other indentation, CRLF."""
    reformatted = (
        OLD.config_xml.replace(
            "<?xml version='1.0' encoding='UTF-8'?>", "<?xml version='1.1' encoding='UTF-8'?>"
        )
        .replace('plugin="workflow-cps"', 'plugin="workflow-cps@3964.v0767b_4b_a_0b_fa_"')
        .replace("\n  <", "\n    <")
        .replace("Builds it\n", "Builds it\r\n")
    )
    plan = plan_for(desired(NEW), [dir_("teamA"), applied(OLD)], {"teamA/build": reformatted})
    assert plan.steps[-1].action is Action.UPDATE


def test_a_hand_edited_config_is_drifted_and_left_alone() -> None:
    edited = OLD.config_xml.replace("make old", "make old HACK=1")
    plan = plan_for(desired(NEW), [dir_("teamA"), applied(OLD)], {"teamA/build": edited})
    step = plan.steps[-1]
    assert step.action is Action.DRIFTED
    assert step.drift == "its config.xml was edited on the controller after jds applied it"
    assert "--force overwrites it" in step.reason
    assert plan.writes == ()


def test_force_overwrites_without_reading_first() -> None:
    plan = plan_for(desired(NEW), [dir_("teamA"), applied(OLD)], force=True)
    assert actions(plan)["teamA/build"] == "update"
    assert "not checked for hand edits" in plan.steps[-1].reason


def test_force_with_verify_still_reads_and_reports_the_drift_it_overwrites() -> None:
    edited = OLD.config_xml.replace("make old", "make old HACK=1")
    plan = plan_for(
        desired(NEW), [dir_("teamA"), applied(OLD)], {"teamA/build": edited}, force=True, verify=True
    )
    step = plan.steps[-1]
    assert (step.action, step.drift) == (
        Action.UPDATE,
        "its config.xml was edited on the controller after jds applied it",
    )


def test_an_edited_description_is_seen_in_the_bulk_read() -> None:
    job = rendered("teamA/build")
    edited = RemoteItem(job.name, "Do not touch!\n" + (applied(job).description or ""), False)
    assert actions(plan_for(desired(job), [dir_("teamA"), edited]))["teamA/build"] == "drifted"
    forced = plan_for(desired(job), [dir_("teamA"), edited], force=True)
    assert (forced.steps[-1].action, forced.steps[-1].drift) == (
        Action.UPDATE,
        "its description was edited on the controller",
    )


def test_a_description_sent_back_with_crlf_line_ends_is_not_drift() -> None:
    job = rendered("teamA/build")
    remote = RemoteItem(job.name, (applied(job).description or "").replace("\n", "\r\n"), False)
    assert actions(plan_for(desired(job), [dir_("teamA"), remote]))["teamA/build"] == "unchanged"


def test_verify_reads_unchanged_jobs_and_finds_edits_the_bulk_read_cannot_see() -> None:
    kept, edited = rendered("teamA/kept"), rendered("teamA/edited")
    remote = [dir_("teamA"), applied(kept), applied(edited)]
    configs = {"teamA/kept": kept.config_xml, "teamA/edited": edited.config_xml.replace("make", "make -j99")}
    plan = plan_for(desired(kept, edited), remote, configs, verify=True)
    assert actions(plan) == {"teamA": "unchanged", "teamA/edited": "drifted", "teamA/kept": "unchanged"}
    # without verify, the same hand edit is invisible to the bulk read
    assert actions(plan_for(desired(kept, edited), remote))["teamA/edited"] == "unchanged"


def test_a_job_without_the_marker_is_drifted_unless_forced() -> None:
    job = rendered("teamA/build")
    hand_made = RemoteItem(job.name, "made by hand", False)
    plan = plan_for(desired(job), [dir_("teamA"), hand_made])
    assert plan.steps[-1].action is Action.DRIFTED
    assert "without the jds marker" in plan.steps[-1].reason
    assert actions(plan_for(desired(job), [dir_("teamA"), hand_made], force=True))["teamA/build"] == "update"
    no_description = RemoteItem(job.name, None, False)
    assert actions(plan_for(desired(job), [dir_("teamA"), no_description]))["teamA/build"] == "drifted"


def test_a_managed_job_without_a_hash_is_updated_without_reading() -> None:
    """Jobs made by the Job DSL seed carry the plain marker."""
    job = rendered("teamA/build")
    seeded = RemoteItem(job.name, f"Builds it\n\n{MANAGED_MARKER}", False)
    plan = plan_for(desired(job), [dir_("teamA"), seeded])
    assert actions(plan)["teamA/build"] == "update"
    assert plan.steps[-1].remote_hash is None


def test_stale_managed_jobs_are_kept_without_prune() -> None:
    gone = rendered("teamA/gone")
    plan = plan_for(desired(rendered("teamA/build")), [dir_("teamA"), applied(gone)])
    assert actions(plan)["teamA/gone"] == "stale"
    assert "--prune deletes it" in plan.steps[-1].reason
    assert all(step.action is not Action.DELETE for step in plan.steps)


def test_prune_deletes_only_managed_jobs_that_still_match() -> None:
    gone, edited = rendered("teamA/gone"), rendered("teamA/edited")
    remote = [
        dir_("teamA"),
        applied(gone),
        applied(edited),
        RemoteItem("teamA/hand-made", "a job someone made", False),
        RemoteItem("teamA/no-description", None, False),
        RemoteItem("other", None, False),
    ]
    configs = {"teamA/gone": gone.config_xml, "teamA/edited": edited.config_xml.replace("make", "rm -rf")}
    plan = plan_for(desired(rendered("teamA/build")), remote, configs, prune=True)
    assert actions(plan) == {
        "teamA": "unchanged",
        "teamA/build": "create",
        "teamA/gone": "delete",
        "teamA/edited": "drifted",
    }
    assert plan.steps[-1].name == "teamA/gone"  # deletes come last
    forced = plan_for(desired(rendered("teamA/build")), remote, prune=True, force=True)
    assert actions(forced)["teamA/edited"] == "delete"
    assert "teamA/hand-made" not in actions(forced)


def test_prune_deletes_a_managed_folder_only_when_everything_in_it_goes() -> None:
    team_folder = folder("teamZ")
    folder_item = dir_(
        "teamZ", team_folder.description.replace(MANAGED_MARKER, stamped_marker(team_folder.hash))
    )
    job = rendered("teamZ/old")
    configs = {"teamZ": team_folder.config_xml, "teamZ/old": job.config_xml}
    retired = {"prune": True, "prune_teams": ["teamZ"]}  # a team not in the render at all
    plan = plan_for(desired(rendered("teamA/build")), [folder_item, applied(job)], configs, **retired)
    assert [(s.name, s.action.value) for s in plan.steps][-2:] == [
        ("teamZ/old", "delete"),
        ("teamZ", "delete"),
    ]

    hand_made = RemoteItem("teamZ/someones", "not ours", False)
    plan = plan_for(
        desired(rendered("teamA/build")), [folder_item, applied(job), hand_made], configs, **retired
    )
    assert actions(plan)["teamZ"] == "stale"
    assert "still holds teamZ/someones" in next(s.reason for s in plan.steps if s.name == "teamZ")


def test_a_team_name_taken_by_a_job_blocks_its_jobs_even_with_force() -> None:
    plan = plan_for(desired(rendered("teamA/build")), [RemoteItem("teamA", None, False)], force=True)
    assert actions(plan) == {"teamA": "drifted", "teamA/build": "drifted"}
    assert plan.writes == ()


def test_a_folder_where_a_job_should_be_is_drifted() -> None:
    plan = plan_for(desired(rendered("teamA/build")), [dir_("teamA"), dir_("teamA/build")], force=True)
    assert actions(plan)["teamA/build"] == "drifted"


def test_a_config_that_no_longer_parses_counts_as_edited() -> None:
    plan = plan_for(desired(NEW), [dir_("teamA"), applied(OLD)], {"teamA/build": "<flow-definition>"})
    assert actions(plan)["teamA/build"] == "drifted"


def test_a_missing_config_is_a_bug_of_the_caller() -> None:
    with pytest.raises(KeyError):
        make_plan(desired(NEW), [dir_("teamA"), applied(OLD)], {}, Options())


def test_summary_counts_jobs_and_folders_apart() -> None:
    plan = plan_for(desired(rendered("teamA/build"), rendered("teamA/test")), [])
    summary = plan.summary()
    assert summary["job"]["create"] == 2
    assert summary["folder"]["create"] == 1
    assert summary["job"]["unchanged"] == 0


def test_prune_keeps_the_jobs_of_a_team_the_render_has_no_repository_of() -> None:
    gone = rendered("teamZ/old")
    stale = rendered("teamA/old")
    remote = [dir_("teamA"), applied(rendered("teamA/build")), applied(stale), applied(gone)]
    want = desired(rendered("teamA/build"))
    plan = plan_for(want, remote, {"teamA/old": stale.config_xml}, prune=True)
    assert actions(plan)["teamA/old"] == "delete"  # its team is rendered: pruned as before
    assert actions(plan)["teamZ/old"] == "stale"
    (reason,) = [s.reason for s in plan.steps if s.name == "teamZ/old"]
    assert reason == (
        "managed, no longer rendered, but the render has no repository of team teamZ: "
        "kept (--prune-team teamZ deletes it)"
    )
    named = plan_for(want, remote, {"teamA/old": stale.config_xml, "teamZ/old": gone.config_xml},
                     prune=True, prune_teams=("teamZ",))  # fmt: skip
    assert actions(named)["teamZ/old"] == "delete"


def test_a_team_with_repositories_but_no_jobs_left_is_pruned() -> None:
    old = rendered("teamZ/old")
    want = attrs.evolve(desired(rendered("teamA/build")), teams=frozenset({"teamA", "teamZ"}))
    plan = plan_for(want, [applied(old)], {"teamZ/old": old.config_xml}, prune=True)
    assert actions(plan)["teamZ/old"] == "delete"
