"""The escalation ladder's rungs 5–6 as child workflows: 联席会议 (joint meeting, 吹哨报到)
and 纪委监委 (discipline referral), what the ticket does with their news, and both
raised by hand (each check beside its effect). An effect here returns the child to start
in its ``Outcome``; the workflow starts it."""

from __future__ import annotations

from datetime import datetime

from schema.escalation import (
    DisciplineReferralBody,
    DisciplineReferralStart,
    Escalation,
    EscalationKind,
    EscalationNews,
    EscalationOutcome,
    JointMeetingBody,
    JointMeetingStart,
    MeetingDecisionBody,
)
from schema.ticket import Actor, TicketStatus, TimelineAction
from schema.working_days import DueItem
from workflows.ids import discipline_referral_workflow_id, joint_meeting_workflow_id
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, rules
from workflows.ticket.deadlines import DueFn, due_after
from workflows.ticket.handling import dispatch_to
from workflows.ticket.news import DISCIPLINE_COMMISSION, SUPERVISORS
from workflows.ticket.outcome import Outcome
from workflows.ticket.state import Step, StepClock, TicketState

# -- 联席会议 and 纪委监委 (rungs 5–6): child workflows ----------------------------------------


async def convene_meeting(
    s: TicketState, now: datetime, actor: str, departments: list[str], agenda: str, due: DueFn
) -> Outcome:
    """联席会议 / 吹哨报到 as a child workflow; it reports back through escalation news."""
    ladder = s.require_policy().escalation
    at = await due(
        [
            DueItem(key="report_in", span=ladder.report_in, start=now),
            DueItem(key="decision", span=ladder.meeting_decision, start=now),
        ]
    )
    meeting_id = joint_meeting_workflow_id(
        s.ticket_no, s.count_escalations(EscalationKind.JOINT_MEETING) + 1
    )
    record = s.raise_escalation(
        now,
        EscalationKind.JOINT_MEETING,
        raised_by=actor,
        reason=agenda,
        department=s.lead_department,
        due_at=at["decision"],
        workflow_id=meeting_id,
        departments=departments,
        report_in_by=at["report_in"].isoformat(),
    )
    meeting = JointMeetingStart(
        ticket_no=s.ticket_no,
        number=record.number,
        workflow_id=meeting_id,
        departments=departments,
        agenda=agenda,
        convened_by=actor,
        report_in_by=at["report_in"],
        decide_by=at["decision"],
    )
    event = s.log(
        now,
        actor,
        TimelineAction.JOINT_MEETING_CONVENED,
        meeting=meeting_id,
        departments=departments,
        agenda=agenda,
        report_in_by=at["report_in"].isoformat(),
        decide_by=at["decision"].isoformat(),
        level=record.level,
        escalation=record.number,
    )
    for code in departments:
        s.notify(
            event,
            code,
            f"吹哨报到 Ticket {s.ticket_no}: you are summoned to a joint meeting; report in "
            f"by {at['report_in'].isoformat()}. Agenda: {agenda}",
        )
    s.notify(event, SUPERVISORS, f"Joint meeting {meeting_id} convened: {agenda}")
    return Outcome(children=[meeting])


async def meeting_deadline_missed(
    s: TicketState, now: datetime, actor: str, clock: StepClock, due: DueFn
) -> Outcome:
    """The lead missed the deadline a joint meeting set: the commission, if the policy says."""
    lead = s.lead_department or ""
    already = any(
        r.department == lead for r in s.open_escalations(EscalationKind.DISCIPLINE_REFERRAL)
    )
    if already or not s.require_policy().escalation.refer_to_discipline_automatically:
        return Outcome()
    reason = (
        f"{lead} missed the {clock.step} deadline ({clock.due_at.isoformat()}) set by "
        f"{meeting_name(s, clock.set_by_meeting)}"
    )
    return await refer(s, now, actor, lead, reason, due)


def meeting_name(s: TicketState, number: int | None) -> str:
    record = s.escalation(number) if number else None
    return (record.workflow_id if record else None) or "a joint meeting"


async def refer(
    s: TicketState, now: datetime, actor: str, department: str, reason: str, due: DueFn
) -> Outcome:
    """纪委监委 referral as a child workflow that outlives the ticket if need be."""
    acknowledge_by = await due_after(
        due, "ack", s.require_policy().escalation.discipline_acknowledge, now
    )
    referral_id = discipline_referral_workflow_id(
        s.ticket_no, s.count_escalations(EscalationKind.DISCIPLINE_REFERRAL) + 1
    )
    record = s.raise_escalation(
        now,
        EscalationKind.DISCIPLINE_REFERRAL,
        raised_by=actor,
        reason=reason,
        department=department,
        due_at=acknowledge_by,
        workflow_id=referral_id,
    )
    referral = DisciplineReferralStart(
        ticket_no=s.ticket_no,
        number=record.number,
        workflow_id=referral_id,
        department=department,
        reason=reason,
        referred_by=actor,
        acknowledge_by=acknowledge_by,
    )
    event = s.log(
        now,
        actor,
        TimelineAction.DISCIPLINE_REFERRAL,
        referral=referral_id,
        department=department,
        reason=reason,
        acknowledge_by=acknowledge_by.isoformat(),
        level=record.level,
        escalation=record.number,
    )
    message = f"纪委监委 Ticket {s.ticket_no}: {department} referred: {reason}"
    s.notify(event, DISCIPLINE_COMMISSION, message)
    s.notify(event, SUPERVISORS, message)
    s.notify(event, department, message)
    return Outcome(children=[referral])


# -- what the children report --------------------------------------------------------------


async def take_news(s: TicketState, now: datetime, news: EscalationNews, due: DueFn) -> Outcome:
    """Record what a child reports; a meeting's decision re-dispatches the ticket."""
    record = s.escalation(news.escalation_number)
    action = TimelineAction(news.action)  # the child made it with a member
    event = s.log(now, news.actor, action, escalation=news.escalation_number, **news.detail)
    for notice in news.notices:
        s.notify(event, notice.recipient, notice.message)
    for code in news.absent:
        missed = s.raise_escalation(
            now,
            EscalationKind.MISSED_REPORT_IN,
            raised_by=news.actor,
            reason=f"did not report in to {meeting_name(s, news.escalation_number)}",
            department=code,
            meeting=record.workflow_id if record else None,
        )
        s.end_escalation(missed, now, EscalationOutcome.MISSED, news.actor)
    if record is None or news.outcome is None or not record.is_open:
        return Outcome()
    s.end_escalation(record, now, news.outcome, news.actor, **news.detail)
    if s.status is TicketStatus.CLOSED:
        return Outcome()
    if news.decision is not None:
        await dispatch_by_meeting(s, now, news.actor, record, news.decision, due)
        return Outcome()
    if (
        news.outcome is EscalationOutcome.NO_DECISION
        and s.lead_department
        and s.require_policy().escalation.refer_to_discipline_automatically
    ):
        absent = ", ".join(news.detail.get("absent", [])) or "none"
        reason = (
            f"{record.workflow_id} reached no decision by {news.detail.get('due')}; "
            f"absent: {absent}"
        )
        return await refer(s, now, news.actor, s.lead_department, reason, due)
    return Outcome()


async def dispatch_by_meeting(
    s: TicketState,
    now: datetime,
    actor: str,
    meeting: Escalation,
    decision: MeetingDecisionBody,
    due: DueFn,
) -> None:
    """The meeting named the lead: re-dispatch with fresh clocks; missing them may refer."""
    s.pending_review = None
    s.pending_extension = None
    await dispatch_to(
        s,
        now,
        actor,
        decision.lead,
        decision.assisting,
        decision.plan,
        due,
        joint_meeting=meeting.workflow_id,
    )
    s.clocks[Step.REPLY].set_by_meeting = meeting.number


@process.check("joint-meeting")
def check_joint_meeting(
    state: TicketState, actor: Actor, body: JointMeetingBody, now: datetime
) -> None:
    rules.check_action("joint-meeting", state, actor)
    for meeting in state.open_escalations(EscalationKind.JOINT_MEETING):
        rules.refuse_in_state(
            state,
            f"joint meeting {meeting.workflow_id} is still open; it decides first",
            Reason.MEETING_STILL_OPEN,
        )


@process.effect("joint-meeting")
async def joint_meeting(
    s: TicketState, now: datetime, actor: Actor, body: JointMeetingBody, due: DueFn
) -> Outcome:
    return await convene_meeting(s, now, actor.describe(), body.departments, body.agenda, due)


@process.check("discipline-referral")
def check_discipline_referral(
    state: TicketState, actor: Actor, body: DisciplineReferralBody, now: datetime
) -> None:
    rules.check_action("discipline-referral", state, actor)
    department = body.department or state.lead_department
    if department is None:
        refuse(
            RefusalType.INVALID_INPUT,
            f"ticket {state.ticket_no} has no lead department; name the 'department' referred",
            Reason.NO_LEAD_TO_REFER,
        )
    for referral in state.open_escalations(EscalationKind.DISCIPLINE_REFERRAL):
        if referral.department == department:
            rules.refuse_in_state(
                state,
                f"{department} is already referred ({referral.workflow_id}); the commission "
                "has not decided yet",
                Reason.ALREADY_REFERRED,
                department=department,
            )


@process.effect("discipline-referral")
async def discipline_referral(
    s: TicketState, now: datetime, actor: Actor, body: DisciplineReferralBody, due: DueFn
) -> Outcome:
    department = body.department or s.lead_department or ""
    return await refer(s, now, actor.describe(), department, body.reason, due)


def summary(child: JointMeetingStart | DisciplineReferralStart) -> str:
    """The line the Temporal UI lists a child under: what it is, for which ticket and rung
    (no agenda or reason: free text may name people)."""
    if isinstance(child, DisciplineReferralStart):
        return f"移送纪委监委 · 工单 {child.ticket_no}"
    return f"联席会议 · 工单 {child.ticket_no} · {len(child.departments)} 个单位"
