"""Recorded histories of every ticket shape replay on today's workflow code.

A failure here means a change to workflow code would break tickets already open:
guard the change with ``workflow.patched`` (docs/architecture.md, Changing workflow code).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from hotline.settings import WorkflowSandbox
from tests.support.keys import TEST_CONVERTER
from worker import WORKFLOWS, sandbox_runner
from workflows.ticket.legacy.escalation_ladder import PATCH as ESCALATION_LADDER
from workflows.ticket.legacy.order_climbs_on_its_own_deadline import PATCH as OWN_DEADLINE
from workflows.ticket.legacy.publish_in_one_local_activity import (
    PATCH as PUBLISH_IN_ONE_LOCAL_ACTIVITY,
)
from workflows.ticket.legacy.register_once_deadlines_in_workflow import PATCH as REGISTRATION
from workflows.ticket.legacy.ticket_level_is_the_leads import PATCH as LEVEL_IS_THE_LEADS
from workflows.ticket.legacy.transfer_110_awaits_acceptance import PATCH as TRANSFER_110


def read(path: Path) -> str:
    return path.read_text()


# The versions recorded since the "register-once-deadlines-in-workflow" patch.
REGISTERED_ONCE = {"v5", "v6", "v7", "v8", "v9", "v10", "v11"}
# Started as generation 1 (workflows.ticket.legacy.GENERATION): no patch is asked.
GENERATION_1 = {"v11"}
HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))
# Children (joint meetings, referrals) are recorded as "<version>-<scenario>-<child>.json".
TICKET_HISTORIES = [p for p in HISTORIES if p.stem.count("-") == 1 or "-run" in p.stem]


def version(path: Path) -> str:
    """A history's version: "v10" for "v10-supervision_tiers.json", not its first two
    characters."""
    return path.stem.split("-", 1)[0]


def test_every_shape_is_recorded() -> None:
    shapes = {path.stem.split("-")[1] for path in HISTORIES}
    assert shapes >= {
        "normal_closure",
        "answered_on_the_spot",
        "return_and_redispatch",
        "extension_and_rework",
        "overdue_ladder",
        "continued_as_new",
        "joint_meeting",
        "supervision_tiers",
        "merge",
        "suspension",
        "transfer_110",
        "assisting_parts",
        "delegation",
        "reopened",
    }


@pytest.mark.parametrize("sandbox", ["strict", "shared", "off"])  # tests; shared; production
@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path, sandbox: WorkflowSandbox) -> None:
    replayer = Replayer(
        workflows=list(WORKFLOWS),  # tickets, and the meetings and referrals they start
        data_converter=TEST_CONVERTER,
        workflow_runner=sandbox_runner(sandbox),
    )
    history = WorkflowHistory.from_json(path.stem, read(path))
    await replayer.replay_workflow(history)


def _markers(path: Path, name: str, key: str) -> list[dict[str, object]]:
    history = WorkflowHistory.from_json("ticket", read(path))
    return [
        json.loads(e.marker_recorded_event_attributes.details[key].payloads[0].data)
        for e in history.events
        if e.HasField("marker_recorded_event_attributes")
        and e.marker_recorded_event_attributes.marker_name == name
    ]


def _regular_activities(path: Path) -> set[str]:
    history = WorkflowHistory.from_json("ticket", read(path))
    return {
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.HasField("activity_task_scheduled_event_attributes")
    }


def test_both_sides_of_the_publishing_patch_are_recorded() -> None:
    """v1 tickets publish through two regular activities, v2 through one local activity."""
    before = [p for p in HISTORIES if p.stem.startswith("v1-")]
    after = [p for p in TICKET_HISTORIES if not p.stem.startswith("v1-")]
    assert before and after
    for path in before:
        assert "record_transition" in _regular_activities(path), path.name
        assert not _markers(path, "core_patch", "patch-data"), path.name
    for path in after:  # publishing needs no regular activity (a merge's claim is one)
        assert _regular_activities(path) <= {"claim_duplicate"}, path.name
        local = {m["activity_type"] for m in _markers(path, "core_local_activity", "data")}
        assert "publish_transition" in local, path.name
        patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
        # v5 tickets began after the patch and take its new side without asking
        # (legacy.registered_with_sheet)
        if version(path) in REGISTERED_ONCE:
            assert PUBLISH_IN_ONE_LOCAL_ACTIVITY not in patches, path.name
        else:
            assert PUBLISH_IN_ONE_LOCAL_ACTIVITY in patches, path.name


def test_both_sides_of_the_escalation_ladder_patch_are_recorded() -> None:
    """Before it, a missed supervision order did nothing; after it, orders harden by tier."""
    for name in ("v1-overdue_ladder", "v2-overdue_ladder"):
        path = Path(__file__).parent / "histories" / f"{name}.json"
        patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
        assert ESCALATION_LADDER not in patches, name
    for name in ("v3-overdue_ladder", "v3-supervision_tiers"):
        path = Path(__file__).parent / "histories" / f"{name}.json"
        patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
        assert ESCALATION_LADDER in patches, name


def test_both_sides_of_the_own_deadline_patch_are_recorded() -> None:
    """Before it, the reply's grace hardened the standing order (a leader came early);
    after it, the order climbs on its own deadline (and forcing that on the old histories
    makes them fail to replay)."""
    for name in ("v3-overdue_ladder", "v3-supervision_tiers", "v5-supervision_tiers"):
        path = HISTORIES[0].parent / f"{name}.json"
        patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
        assert OWN_DEADLINE not in patches, name
    after = HISTORIES[0].parent / "v10-supervision_tiers.json"
    assert OWN_DEADLINE in {m["id"] for m in _markers(after, "core_patch", "patch-data")}


def test_both_sides_of_the_ticket_level_patch_are_recorded() -> None:
    """Before it, a late part's or a unit below's rungs raised the ticket's level; after it,
    they are those units' own (the ticket's level is the lead's)."""
    for before, after in [("v8", "assisting_parts"), ("v9", "delegation")]:
        old = HISTORIES[0].parent / f"{before}-{after}.json"
        new = HISTORIES[0].parent / f"v10-{after}.json"
        assert LEVEL_IS_THE_LEADS not in {
            m["id"] for m in _markers(old, "core_patch", "patch-data")
        }
        assert LEVEL_IS_THE_LEADS in {m["id"] for m in _markers(new, "core_patch", "patch-data")}


def test_both_sides_of_the_merge_patch_are_recorded() -> None:
    """v3 merges close, then signal their target; v4 ask it first (a regular activity that
    sends the target an update) and close on its yes."""
    before = HISTORIES[0].parent / "v3-merge.json"
    after = HISTORIES[0].parent / "v4-merge.json"
    assert "claim_duplicate" not in _regular_activities(before)
    assert _regular_activities(after) >= {"claim_duplicate"}
    told = WorkflowHistory.from_json(
        "target", read(HISTORIES[0].parent / "v3-merge-merged_into.json")
    )
    asked = WorkflowHistory.from_json(
        "target", read(HISTORIES[0].parent / "v4-merge-merged_into.json")
    )
    assert any(e.HasField("workflow_execution_signaled_event_attributes") for e in told.events)
    assert any(
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        == "absorb_duplicate"
        for e in asked.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    )


def test_both_sides_of_the_registration_patch_are_recorded() -> None:
    """v1–v4 tickets register in two local activities and ask one per deadline; v5 register
    in one (policy, route, working-day sheet) and compute their deadlines themselves."""
    before = [p for p in TICKET_HISTORIES if version(p) in {"v1", "v2", "v3", "v4"}]
    after = [p for p in TICKET_HISTORIES if version(p) in REGISTERED_ONCE]
    assert before and len(after) >= 9
    for path in before:
        local = [m["activity_type"] for m in _markers(path, "core_local_activity", "data")]
        assert "register_ticket" not in local, path.name
        if "-run" not in path.stem or path.stem.endswith("-run1"):  # later runs are carried
            assert {"load_policy", "route_request"} <= set(local), path.name
        patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
        assert REGISTRATION not in patches, path.name
    for path in after:
        local = [m["activity_type"] for m in _markers(path, "core_local_activity", "data")]
        assert not {"load_policy", "route_request", "compute_due_instants"} & set(local), path.name
        if "-run" not in path.stem or path.stem.endswith("-run1"):
            assert local.count("register_ticket") == 1, path.name
            patches = {m["id"] for m in _markers(path, "core_patch", "patch-data")}
            assert (REGISTRATION in patches) is (version(path) not in GENERATION_1), path.name


def test_a_generation_1_ticket_asks_no_patch_and_leaves_its_timer_when_it_closes() -> None:
    """Its input says it began after every patch; its run loop re-arms only when an action
    moved its next alarm, and a closed ticket ends with its timer pending."""
    lean = [p for p in HISTORIES if version(p) in GENERATION_1]
    assert len(lean) >= 19
    for path in lean:
        assert not _markers(path, "core_patch", "patch-data"), path.name
    closure = WorkflowHistory.from_json("closure", read(lean[0].parent / "v11-normal_closure.json"))
    kinds = [e.WhichOneof("attributes") for e in closure.events]
    assert kinds.count("timer_canceled_event_attributes") == 2  # sign, reply: not the rating
    assert kinds[-1] == "workflow_execution_completed_event_attributes"
    # Three events fewer than a v5 plain life: the registration patch's marker and its
    # TemporalChangeVersion upsert, and the cancelled timer at the close.
    before = WorkflowHistory.from_json("v5", read(lean[0].parent / "v5-normal_closure.json"))
    assert len(closure.events) == len(before.events) - 3


def test_both_sides_of_the_transfer_110_patch_are_recorded() -> None:
    """v6: 转110 closed the ticket at once; v7: it waits for 110, which hands it back or
    accepts it."""
    before = HISTORIES[0].parent / "v6-transfer_110.json"
    after = HISTORIES[0].parent / "v7-transfer_110.json"
    assert TRANSFER_110 not in {m["id"] for m in _markers(before, "core_patch", "patch-data")}
    assert TRANSFER_110 in {m["id"] for m in _markers(after, "core_patch", "patch-data")}
    accepted = WorkflowHistory.from_json("after", read(after))
    updates = [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in accepted.events
        if e.HasField("workflow_execution_update_accepted_event_attributes")
    ]
    assert updates[-4:] == [
        "transfer_110",
        "hand_back_from_110",
        "transfer_110",
        "accept_for_110",
    ]
