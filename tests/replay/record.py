"""Record histories of typical ticket lives for the replay tests.

Run after a deliberate, replay-safe change to workflow code, to add the new shape:
``python -m tests.replay.record v2`` (every scenario) or ``... v2 NAME ...`` (some).
Existing files are the point of the replay test: keep them, so that tickets started
by older code stay replayable.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from temporalio.client import WorkflowHandle, WorkflowHistory

from hotline.settings import Settings
from schema.action_bodies import (
    AnswerBody,
    AssistingPartBody,
    DelegateBody,
    DelegatedReplyBody,
    DelegatedReviewBody,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    PoliceAcceptBody,
    PoliceHandBackBody,
    ProgressBody,
    RatingBody,
    RatingReviewBody,
    ReplyBody,
    ResumeBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
    SuspensionBody,
    SuspensionReviewBody,
    Transfer110Body,
    WithdrawBody,
)
from schema.escalation import (
    JointMeetingBody,
    MeetingDecisionBody,
    MeetingReportBody,
    ReferralOutcomeBody,
)
from schema.policy import Policy
from schema.ticket import Actor, ReopenLink, Role
from tests.support.actors import AGENT, SUPERVISOR, department
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.read_model import open_read_model
from tests.support.stack import start_test_server
from tests.support.tickets import Tickets
from worker import build_worker
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.joint_meeting import JointMeetingWorkflow
from workflows.ticket.workflow import TicketWorkflow

HISTORIES = Path(__file__).parent / "histories"
LEAD = department("urban-management")
DISCIPLINE = Actor(sub="commissioner", role=Role.DISCIPLINE)
REPLY = ReplyBody(outcome="resolved", content="done")
SATISFIED = RatingBody(satisfaction="satisfied", solved=True)


async def normal_closure(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def answered_on_the_spot(t: Tickets) -> WorkflowHandle:
    handle = await t.open(category="unheard-of-matter", type="enquiry")
    await handle.execute_update(TicketWorkflow.answer, args=[AGENT, AnswerBody(content="9-5")])
    await t.skip(days=4)  # no rating: closed as no_rating
    return handle


async def return_and_redispatch(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(
        TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="r", legal_basis="b")]
    )
    await handle.execute_update(
        TicketWorkflow.review_return, args=[AGENT, ReturnReviewBody(accept=True, lead="housing")]
    )
    housing = department("housing")
    await handle.execute_update(TicketWorkflow.sign, args=[housing, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[housing, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def extension_and_rework(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(
        TicketWorkflow.request_extension, args=[LEAD, ExtensionBody(working_days=2, reason="x")]
    )
    await handle.execute_update(
        TicketWorkflow.review_extension, args=[AGENT, ExtensionReviewBody(approve=True)]
    )
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(
        TicketWorkflow.rate, args=[AGENT, RatingBody(satisfaction="unsatisfied", solved=False)]
    )
    await handle.execute_update(
        TicketWorkflow.review_rating, args=[AGENT, RatingReviewBody(reasonable=True)]
    )
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def overdue_ladder(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await t.skip(days=5)  # warning, reminder, supervision order on the sign clock
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await t.skip(days=9)  # the same on the reply clock
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def continued_as_new(t: Tickets) -> WorkflowHandle:
    assert t.settings.policy is not None
    t.settings.policy.write_text("history_event_limit = 60\n")
    try:
        handle = await t.open()
        await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
        for n in range(12):
            await handle.execute_update(
                TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content=f"step {n}")]
            )
    finally:
        t.settings.policy.write_text("")
    current = t.client.get_workflow_handle(handle.id)
    await current.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await current.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return current


async def joint_meeting(t: Tickets) -> WorkflowHandle:
    """A supervisor's joint meeting: one department reports in, the decision re-dispatches."""
    assert t.settings.policy is not None
    t.settings.policy.write_text('[escalation]\nreport_in = "1d"\nmeeting_decision = "3d"\n')
    try:
        handle = await t.open()
    finally:
        t.settings.policy.write_text("")
    await handle.execute_update(
        TicketWorkflow.convene_joint_meeting,
        args=[
            SUPERVISOR,
            JointMeetingBody(departments=["urban-management", "housing"], agenda="a"),
        ],
    )
    state = await t.state(handle)
    meeting = t.client.get_workflow_handle(state.open_escalations[0].workflow_id or "")
    await meeting.execute_update(JointMeetingWorkflow.report_in, args=[LEAD, MeetingReportBody()])
    await t.skip(days=1, hours=1)  # housing is named absent
    decision = MeetingDecisionBody(lead="housing", plan="housing leads")
    await meeting.execute_update(JointMeetingWorkflow.decide, args=[SUPERVISOR, decision])
    await meeting.result()
    housing = department("housing")
    await handle.execute_update(TicketWorkflow.sign, args=[housing, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[housing, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def supervision_tiers(t: Tickets) -> WorkflowHandle:
    """Nobody acts: blue, orange and red orders, a leader, a meeting, a referral by timers."""
    handle = await t.open()
    await t.skip(days=45)
    state = await t.state(handle)
    referral = next(e for e in state.open_escalations if e.kind == "discipline_referral")
    child = t.client.get_workflow_handle(referral.workflow_id or "")
    outcome = ReferralOutcomeBody(outcome="summons", officials=["x"])
    await child.execute_update(
        DisciplineReferralWorkflow.record_outcome, args=[DISCIPLINE, outcome]
    )
    await child.result()
    await handle.execute_update(TicketWorkflow.withdraw, args=[AGENT, WithdrawBody()])
    return handle


async def merge(t: Tickets) -> WorkflowHandle:
    """A duplicate merged into an earlier ticket, which then lives its life."""
    earlier = await t.open()
    duplicate = await t.open()
    into = MergeBody(into=earlier.id.removeprefix("ticket-"))
    await duplicate.execute_update(TicketWorkflow.merge, args=[AGENT, into])
    await earlier.execute_update(TicketWorkflow.withdraw, args=[AGENT, WithdrawBody()])
    return duplicate


async def suspension(t: Tickets) -> WorkflowHandle:
    """挂起 by hand and resumed; suspended again until the longest suspension resumes it."""
    handle = await t.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    until = date(2099, 1, 1)
    ask = SuspensionBody(reason="等待市民补充材料", expected_resume=until)
    approve = SuspensionReviewBody(approve=True)
    await handle.execute_update(TicketWorkflow.request_suspension, args=[LEAD, ask])
    await handle.execute_update(TicketWorkflow.review_suspension, args=[AGENT, approve])
    await t.skip(days=2)
    await handle.execute_update(TicketWorkflow.resume, args=[LEAD, ResumeBody()])
    await handle.execute_update(TicketWorkflow.request_suspension, args=[LEAD, ask])
    await handle.execute_update(TicketWorkflow.review_suspension, args=[AGENT, approve])
    await t.skip(days=31)
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def transfer_110(t: Tickets) -> WorkflowHandle:
    """转110 and what 110 answers: handed back once, then transferred again and accepted
    (v6-transfer_110 was recorded before the patch: closed at once)."""
    handle = await t.open(category="unheard-of-matter")
    fight = Transfer110Body(reason="a fight")
    await handle.execute_update(TicketWorkflow.transfer_110, args=[AGENT, fight])
    back = PoliceHandBackBody(reason="a dispute between neighbours")
    await handle.execute_update(TicketWorkflow.hand_back_from_110, args=[AGENT, back])
    await handle.execute_update(TicketWorkflow.transfer_110, args=[AGENT, fight])
    await t.skip(hours=3)  # 110 is silent: the centre is reminded
    accept = PoliceAcceptBody(incident_no="J-1")
    await handle.execute_update(TicketWorkflow.accept_for_110, args=[AGENT, accept])
    return handle


async def assisting_parts(t: Tickets) -> WorkflowHandle:
    """协办意见: one part given late (its warning and reminder first), used in the reply."""
    ecology, assisting = department("ecology"), department("urban-management")
    handle = await t.open(category="010501")
    await handle.execute_update(TicketWorkflow.sign, args=[ecology, SignBody()])
    await t.skip(days=6)
    part = AssistingPartBody(content="our part")
    await handle.execute_update(TicketWorkflow.submit_part, args=[assisting, part])
    used = ReplyBody(outcome="resolved", content="done", parts_used=["urban-management"])
    await handle.execute_update(TicketWorkflow.reply, args=[ecology, used])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def delegation(t: Tickets) -> WorkflowHandle:
    """二级派单: passed down to a unit below, late there (its warning and reminder), replied
    up, sent back down with a new day, replied again and accepted as the ticket's reply."""
    lead, below = department("urban-management"), department("urban-management-dinghai")
    handle = await t.open()
    signed = await handle.execute_update(TicketWorkflow.sign, args=[lead, SignBody()])
    city = ZoneInfo(Policy().timezone)
    today = signed.updated_at.astimezone(city).date()
    down = DelegateBody(unit="urban-management-dinghai", reply_by=today + timedelta(days=1))
    await handle.execute_update(TicketWorkflow.delegate, args=[lead, down])
    await handle.execute_update(TicketWorkflow.sign_delegated, args=[below, SignBody()])
    await t.skip(days=2)
    up = DelegatedReplyBody(outcome="resolved", content="branch: done")
    await handle.execute_update(TicketWorkflow.reply_delegated, args=[below, up])
    again = DelegatedReviewBody(
        accept=False, note="check on site", reply_by=today + timedelta(days=4)
    )
    await handle.execute_update(TicketWorkflow.review_delegated_reply, args=[lead, again])
    await handle.execute_update(TicketWorkflow.reply_delegated, args=[below, up])
    accept = DelegatedReviewBody(accept=True)
    await handle.execute_update(TicketWorkflow.review_delegated_reply, args=[lead, accept])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def reopened(t: Tickets) -> WorkflowHandle:
    """重新受理: a ticket that reopens a closed one goes straight to the old lead."""
    link = ReopenLink(ticket_no="T0000-closed", lead="urban-management")
    handle = await t.open(reopened=link, category="uncatalogued")
    lead = department("urban-management")
    await handle.execute_update(TicketWorkflow.sign, args=[lead, SignBody()])
    answer = ReplyBody(outcome="resolved", content="stalls cleared again")
    await handle.execute_update(TicketWorkflow.reply, args=[lead, answer])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


SCENARIOS: dict[str, Callable[[Tickets], Awaitable[WorkflowHandle]]] = {
    "normal_closure": normal_closure,
    "answered_on_the_spot": answered_on_the_spot,
    "return_and_redispatch": return_and_redispatch,
    "extension_and_rework": extension_and_rework,
    "overdue_ladder": overdue_ladder,
    "continued_as_new": continued_as_new,
    "joint_meeting": joint_meeting,
    "supervision_tiers": supervision_tiers,
    "merge": merge,
    "suspension": suspension,
    "transfer_110": transfer_110,
    "assisting_parts": assisting_parts,
    "delegation": delegation,
    "reopened": reopened,
}


async def run_histories(handle: WorkflowHandle) -> list[WorkflowHistory]:
    """Every run of the workflow, oldest first, following continue-as-new back to the start."""
    histories = [await handle.fetch_history()]
    while True:
        started = histories[0].events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return histories
        earlier = handle._client.get_workflow_handle(
            handle.id, run_id=started.continued_execution_run_id
        )
        histories.insert(0, await earlier.fetch_history())


def write(path: Path, history: WorkflowHistory) -> None:
    path.write_text(history.to_json())
    print(f"recorded {path.name}: {len(history.events)} events")


async def children(tickets: Tickets, handle: WorkflowHandle) -> list[str]:
    """The ticket's joint meetings and referrals, as its escalation history names them,
    and the ticket it was merged into."""
    ticket_no = handle.id.removeprefix("ticket-")
    rows = await tickets.escalations(ticket_no)
    related = [row.workflow_id for row in rows if row.workflow_id]
    merged_into = (await handle.query(TicketWorkflow.state)).merged_into
    if merged_into:
        related.append(f"ticket-{merged_into}/merged_into")
    return related


async def record(version: str, names: list[str]) -> None:
    only = {name: SCENARIOS[name] for name in names or SCENARIOS}
    data = Path(tempfile.mkdtemp())
    policy = data / "policy.toml"
    policy.write_text("")
    settings = Settings(
        data_dir=data,
        task_queue="record",
        notify_senders="database",
        policy=policy,
        encryption_keys=TEST_ENCRYPTION_KEYS,
    )
    read_model = await open_read_model(settings.resolved_database_url())
    env = await start_test_server()
    try:
        async with build_worker(env.client, settings, read_model.sessions):
            tickets = Tickets(env=env, settings=settings, read_model=read_model)
            for name, scenario in only.items():
                handle = await scenario(tickets)
                await handle.result()
                histories = await run_histories(handle)
                for number, history in enumerate(histories, start=1):
                    run = f"-run{number}" if len(histories) > 1 else ""
                    write(HISTORIES / f"{version}-{name}{run}.json", history)
                for child_id in await children(tickets, handle):
                    workflow_id, kind = child_id.rsplit("/", 1)
                    if kind != "merged_into":  # a child: ticket-<no>/joint-meeting-<n>
                        workflow_id, kind = child_id, kind.rsplit("-", 1)[0]
                    child = await env.client.get_workflow_handle(workflow_id).fetch_history()
                    write(HISTORIES / f"{version}-{name}-{kind}.json", child)
    finally:
        await env.shutdown()
        await read_model.engine.dispose()


if __name__ == "__main__":
    # python -m tests.replay.record [VERSION [SCENARIO ...]]
    arguments = sys.argv[1:]
    asyncio.run(record(arguments[0] if arguments else "v1", arguments[1:]))
