"""Rungs 3–6 of the ladder: tiered supervision orders, leader supervision, joint meetings
and discipline referrals, on the time-skipping server with natural-time limits."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

import pytest
from temporalio.client import WorkflowHandle

from schema.action_bodies import ReplyBody, SignBody, WithdrawBody
from schema.escalation import (
    DisciplineReferralBody,
    JointMeetingBody,
    MeetingDecisionBody,
    MeetingReportBody,
    ReferralAcknowledgeBody,
    ReferralOutcomeBody,
    SuperviseBody,
)
from schema.tables import StoredEscalation
from schema.ticket import Actor, Role, TicketView
from tests.support.actors import AGENT, SUPERVISOR, department
from tests.support.policy import PolicyFile
from tests.support.tickets import Tickets, refusal
from tests.support.waiting import eventually
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.joint_meeting import JointMeetingWorkflow
from workflows.ticket.workflow import TicketWorkflow

LEAD = department("urban-management")
HOUSING = department("housing")
COMMISSIONER = Actor(sub="commissioner-wang", role=Role.DISCIPLINE)

# Every limit in natural time, so the ladder's instants do not depend on the weekday.
FAST_LADDER = """
supervision_grace = "1h"
supervision_order = "1d"
[sign]
emergency = "1h"
utility = "1h"
general = "1h"
complex = "1h"
[reply]
emergency = "30d"
utility = "30d"
general = "30d"
complex = "30d"
[escalation]
leader_supervision = "2d"
report_in = "1d"
meeting_decision = "2d"
discipline_acknowledge = "1d"
"""


def kinds_and_outcomes(rows: list[StoredEscalation]) -> list[tuple[str, str | None, str]]:
    return [(r.kind, r.tier, r.outcome) for r in rows]


async def test_whole_ladder_from_a_missed_sign_off_to_a_discipline_outcome(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write(FAST_LADDER)
    handle, view = await tickets.open_with_view()
    no = view.ticket_no
    await tickets.skip(hours=2, minutes=1)  # warning, reminder, then a blue order
    assert (await tickets.state(handle)).supervision_tier == "blue"
    await tickets.skip(days=1)
    assert (await tickets.state(handle)).supervision_tier == "orange"
    await tickets.skip(days=1)
    red = await tickets.state(handle)
    assert red.supervision_tier == "red"
    assert red.escalation_level == 3
    await tickets.skip(days=1)  # the red order missed: a leader takes it
    led = await tickets.state(handle)
    assert led.escalation_level == 4
    leader = next(e for e in led.open_escalations if e.kind == "leader_supervision")
    assert leader.detail["leader"] == "分管副市长 (deputy mayor in charge)"
    assert leader.department == "urban-management"
    assert "leader_supervision" in led.deadlines
    await tickets.skip(days=2)  # the leader's deadline missed: a joint meeting is convened
    met = await tickets.state(handle)
    assert met.escalation_level == 5
    meeting = next(e for e in met.open_escalations if e.kind == "joint_meeting")
    assert meeting.workflow_id == f"ticket-{no}/joint-meeting-1"
    assert meeting.raised_by == "timer:leader_supervision"
    await tickets.skip(days=2, minutes=1)  # nobody reports in, nobody decides
    referred = await eventually(lambda: _level(tickets, handle, 6))
    referral = next(e for e in referred.open_escalations if e.kind == "discipline_referral")
    assert referral.workflow_id == f"ticket-{no}/discipline-1"
    assert referral.department == "urban-management"
    assert "no decision" in referral.reason
    await tickets.skip(days=1, minutes=1)  # the commission is reminded to acknowledge

    # The first person to act: the commission records its outcome.
    child = tickets.client.get_workflow_handle(referral.workflow_id)
    outcome = await child.execute_update(
        DisciplineReferralWorkflow.record_outcome,
        args=[
            COMMISSIONER,
            ReferralOutcomeBody(outcome="summons", officials=["李科长"], note="约谈"),
        ],
    )
    assert outcome.outcome == "summons"

    async def recorded() -> list[StoredEscalation]:
        rows = await tickets.escalations(no)
        return rows if rows and rows[-1].outcome == "summons" else []

    rows = await eventually(recorded)
    assert kinds_and_outcomes(rows) == [
        ("warning", None, "escalated"),
        ("reminder", None, "escalated"),
        ("supervision_order", "blue", "escalated"),
        ("supervision_order", "orange", "escalated"),
        ("supervision_order", "red", "escalated"),
        ("leader_supervision", None, "escalated"),
        ("joint_meeting", None, "no_decision"),
        ("missed_report_in", None, "missed"),
        ("discipline_referral", None, "summons"),
    ]
    assert [r.level for r in rows] == [1, 2, 3, 3, 3, 4, 5, 5, 6]
    assert rows[2].raised_by == "timer:sign"
    assert rows[3].raised_by == "timer:supervision"
    assert rows[-1].detail["officials"] == ["李科长"]
    actions = await tickets.actions(handle)
    assert [a for a in actions if a not in ("received", "dispatched")] == [
        "deadline_warning",
        "reminder",
        "supervision_order",
        "supervision_order",
        "supervision_order",
        "leader_supervision",
        "leader_supervision_missed",
        "joint_meeting_convened",
        "joint_meeting_absent",
        "joint_meeting_undecided",
        "discipline_referral",
        "discipline_referral_unacknowledged",
        "discipline_outcome",
    ]
    notified = await tickets.notifications(handle)
    assert ("discipline", "discipline_referral") in notified
    assert ("urban-management", "joint_meeting_absent") in notified
    assert ("urban-management", "discipline_outcome") in notified


async def _level(tickets: Tickets, handle: WorkflowHandle, level: int) -> TicketView | None:
    state = await tickets.state(handle)
    return state if state.escalation_level >= level else None


async def test_meeting_with_an_absent_department_decides_and_re_dispatches(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write(FAST_LADDER)
    handle, view = await tickets.open_with_view()
    no = view.ticket_no
    convened = await handle.execute_update(
        TicketWorkflow.convene_joint_meeting,
        args=[
            SUPERVISOR,
            JointMeetingBody(departments=["urban-management", "housing"], agenda="who leads?"),
        ],
    )
    assert convened.escalation_level == 5
    meeting_id = f"ticket-{no}/joint-meeting-1"
    meeting = tickets.client.get_workflow_handle_for(JointMeetingWorkflow.run, meeting_id)
    await meeting.execute_update(
        JointMeetingWorkflow.report_in, args=[LEAD, MeetingReportBody(note="present")]
    )
    with pytest.raises(Exception) as twice:
        await meeting.execute_update(
            JointMeetingWorkflow.report_in, args=[LEAD, MeetingReportBody()]
        )
    assert refusal(twice.value).type == "InvalidState"
    with pytest.raises(Exception) as stranger:
        await meeting.execute_update(
            JointMeetingWorkflow.report_in, args=[department("water"), MeetingReportBody()]
        )
    assert refusal(stranger.value).type == "Forbidden"
    await tickets.skip(days=1, minutes=1)  # housing never reports in

    async def absent_recorded() -> list[StoredEscalation]:
        rows = await tickets.escalations(no)
        return [r for r in rows if r.kind == "missed_report_in"]

    (missed,) = await eventually(absent_recorded)
    assert (missed.department, missed.outcome, missed.level) == ("housing", "missed", 5)
    assert ("housing", "joint_meeting_absent") in await tickets.notifications(handle)

    with pytest.raises(Exception) as by_agent:
        await meeting.execute_update(
            JointMeetingWorkflow.decide,
            args=[AGENT, MeetingDecisionBody(lead="housing", plan="housing leads")],
        )
    assert refusal(by_agent.value).type == "Forbidden"
    decision = MeetingDecisionBody(
        lead="housing", assisting=["urban-management"], plan="housing leads; UM clears stalls"
    )
    await meeting.execute_update(JointMeetingWorkflow.decide, args=[SUPERVISOR, decision])

    async def re_dispatched() -> TicketView | None:
        state = await tickets.state(handle)
        return state if state.lead_department == "housing" else None

    state = await eventually(re_dispatched)
    assert state.status == "dispatched"
    assert state.assisting_departments == ["urban-management"]
    assert state.escalation_level == 5
    assert state.deadlines["reply"] - state.updated_at == timedelta(days=30)
    assert (await meeting.result()).outcome == "decided"
    events = await tickets.events(handle)
    dispatched = [e for e in events if e.action == "dispatched"][-1]
    assert dispatched.detail["joint_meeting"] == meeting_id
    assert dispatched.detail["note"] == "housing leads; UM clears stalls"

    # The lead misses the reply deadline the meeting set: referred automatically.
    await handle.execute_update(TicketWorkflow.sign, args=[HOUSING, SignBody()])
    await tickets.skip(days=30, minutes=1)
    referred = await eventually(lambda: _level(tickets, handle, 6))
    referral = next(e for e in referred.open_escalations if e.kind == "discipline_referral")
    assert referral.department == "housing"
    assert f"set by {meeting_id}" in referral.reason
    assert referral.raised_by == "timer:reply"


async def test_closing_the_ticket_cancels_its_open_meeting(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view()
    await handle.execute_update(
        TicketWorkflow.convene_joint_meeting,
        args=[AGENT, JointMeetingBody(departments=["housing"], agenda="dispute")],
    )
    with pytest.raises(Exception) as second:
        await handle.execute_update(
            TicketWorkflow.convene_joint_meeting,
            args=[AGENT, JointMeetingBody(departments=["water"], agenda="again")],
        )
    assert refusal(second.value).type == "InvalidState"
    closed = await handle.execute_update(
        TicketWorkflow.withdraw, args=[AGENT, WithdrawBody(reason="solved by itself")]
    )
    assert closed.status == "closed"
    assert closed.open_escalations == []
    meeting = tickets.client.get_workflow_handle_for(
        JointMeetingWorkflow.run, f"ticket-{view.ticket_no}/joint-meeting-1"
    )
    assert (await meeting.result()).outcome == "cancelled"
    rows = await tickets.escalations(view.ticket_no)
    assert [(r.kind, r.outcome) for r in rows] == [("joint_meeting", "cancelled")]


async def test_a_referral_outlives_its_ticket(isolated_tickets: Tickets) -> None:
    tickets = isolated_tickets
    handle, view = await tickets.open_with_view()
    no = view.ticket_no
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    referred = await handle.execute_update(
        TicketWorkflow.refer_to_discipline,
        args=[SUPERVISOR, DisciplineReferralBody(reason="ignored three supervision orders")],
    )
    assert referred.escalation_level == 6
    with pytest.raises(Exception) as twice:
        await handle.execute_update(
            TicketWorkflow.refer_to_discipline,
            args=[SUPERVISOR, DisciplineReferralBody(reason="again")],
        )
    assert refusal(twice.value).type == "InvalidState"
    await handle.execute_update(
        TicketWorkflow.reply,
        args=[LEAD, ReplyBody(outcome="resolved", content="cleared")],
    )
    await handle.execute_update(TicketWorkflow.withdraw, args=[AGENT, WithdrawBody()])
    await handle.result()  # the ticket's workflow has completed

    child = tickets.client.get_workflow_handle_for(
        DisciplineReferralWorkflow.run, f"ticket-{no}/discipline-1"
    )
    with pytest.raises(Exception) as by_supervisor:
        await child.execute_update(
            DisciplineReferralWorkflow.acknowledge, args=[SUPERVISOR, ReferralAcknowledgeBody()]
        )
    assert refusal(by_supervisor.value).type == "Forbidden"
    await child.execute_update(
        DisciplineReferralWorkflow.acknowledge, args=[COMMISSIONER, ReferralAcknowledgeBody()]
    )
    await child.execute_update(
        DisciplineReferralWorkflow.record_outcome,
        args=[
            COMMISSIONER,
            ReferralOutcomeBody(outcome="criticism", officials=["张主任"], note="通报批评"),
        ],
    )
    assert (await child.result()).outcome == "criticism"
    (row,) = await tickets.escalations(no)
    assert (row.kind, row.outcome, row.ended_by) == (
        "discipline_referral",
        "criticism",
        "discipline:commissioner-wang",
    )
    actions = await tickets.actions(handle)
    assert actions[-3:] == ["closed", "discipline_referral_acknowledged", "discipline_outcome"]
    assert ("urban-management", "discipline_outcome") in await tickets.notifications(handle)


async def test_supervising_by_hand_hardens_the_tier_then_names_a_leader(
    tickets: Tickets,
) -> None:
    handle = await tickets.open()
    with pytest.raises(Exception) as early_leader:
        await handle.execute_update(
            TicketWorkflow.supervise, args=[SUPERVISOR, SuperviseBody(note="x", leader="王副市长")]
        )
    assert refusal(early_leader.value).type == "InvalidInput"
    with pytest.raises(Exception) as by_agent:
        await handle.execute_update(TicketWorkflow.supervise, args=[AGENT, SuperviseBody(note="x")])
    assert refusal(by_agent.value).type == "Forbidden"
    tiers = []
    for note in ("slow", "still slow", "no progress at all"):
        view = await handle.execute_update(
            TicketWorkflow.supervise, args=[SUPERVISOR, SuperviseBody(note=note)]
        )
        tiers.append(view.supervision_tier)
    assert tiers == ["blue", "orange", "red"]
    assert view.escalation_level == 3
    led = await handle.execute_update(
        TicketWorkflow.supervise,
        args=[SUPERVISOR, SuperviseBody(note="to the leader", leader="王副市长")],
    )
    assert led.escalation_level == 4
    (leader,) = [e for e in led.open_escalations if e.kind == "leader_supervision"]
    assert leader.detail["leader"] == "王副市长"
    assert leader.raised_by == "supervisor:sup-1"
    with pytest.raises(Exception) as above:
        await handle.execute_update(
            TicketWorkflow.supervise, args=[SUPERVISOR, SuperviseBody(note="again")]
        )
    assert refusal(above.value).type == "InvalidState"
    # Replying ends every open rung as done.
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    replied = await handle.execute_update(
        TicketWorkflow.reply, args=[LEAD, ReplyBody(outcome="resolved", content="done")]
    )
    assert replied.open_escalations == []
    assert replied.supervision_tier is None
    rows = await tickets.escalations(replied.ticket_no)
    assert [r.outcome for r in rows] == ["escalated", "escalated", "escalated", "done"]


async def test_an_order_for_a_missed_deadline_keeps_the_ticket_overdue(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write(FAST_LADDER)
    late = await tickets.open()
    await tickets.skip(hours=2, minutes=1)  # sign missed: a blue order by the timer
    signed = await late.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    assert signed.supervision_tier == "blue"
    assert signed.overdue  # signing late does not undo the missed deadline the order is for
    chosen = await tickets.open()
    await chosen.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    by_hand = await chosen.execute_update(
        TicketWorkflow.supervise, args=[SUPERVISOR, SuperviseBody(note="a hard case")]
    )
    assert by_hand.supervision_tier == "blue"
    assert not by_hand.overdue  # a supervisor's order is overdue only once its own due passes


async def test_a_second_missed_step_does_not_skip_the_standing_orders_deadline(
    tickets: Tickets, policy: PolicyFile
) -> None:
    """Sign and reply both missed: blue → orange → red → leader, each rung at the previous
    order's own deadline. The reply's grace passes while the orange order stands: it is
    recorded and told to the supervisors, and hardens nothing."""
    policy.write(FAST_LADDER.replace('general = "30d"', 'general = "2d"'))
    handle, view = await tickets.open_with_view()
    assert view.deadlines["reply"] - view.deadlines["sign"] == timedelta(days=2, hours=-1)
    await tickets.skip(days=2, hours=1, minutes=1)  # blue at 2 h, orange at 1 d 2 h; reply missed
    orange = await tickets.state(handle)
    assert orange.supervision_tier == "orange" and orange.escalation_level == 3
    assert orange.overdue
    missed = [e for e in await tickets.events(handle) if e.action == "deadline_missed"]
    assert [(e.detail["step"], e.detail["under"]) for e in missed] == [
        ("reply", "supervision_order")
    ]
    assert ("supervisors", "deadline_missed") in await tickets.notifications(handle)
    await tickets.skip(days=2)  # the orange order's deadline, then the red one's
    led = await tickets.state(handle)
    assert led.escalation_level == 4
    rungs = [
        r
        for r in await tickets.escalations(view.ticket_no)
        if r.kind in ("supervision_order", "leader_supervision")
    ]
    assert [(r.kind, r.tier, r.raised_by) for r in rungs] == [
        ("supervision_order", "blue", "timer:sign"),
        ("supervision_order", "orange", "timer:supervision"),
        ("supervision_order", "red", "timer:supervision"),
        ("leader_supervision", None, "timer:supervision"),
    ]
    for previous, rung in pairwise(rungs):
        assert previous.due_at is not None
        assert timedelta(0) <= rung.raised_at - previous.due_at < timedelta(seconds=5)
