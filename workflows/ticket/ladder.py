"""The escalation ladder's effects: what each rung does when a clock passes it, and the
rungs raised by hand (督办 → 领导督办 → 联席会议 → 纪委监委).

Rungs, kinds and levels are in ``schema.ladder``; the clocks that fire them in
``state``. Like ``effects``, these change the state and return an ``Outcome`` (the
children to start), with no Temporal call of their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from schema.activity_io import DueItem
from schema.escalation import (
    DisciplineReferralBody,
    DisciplineReferralStart,
    Escalation,
    EscalationKind,
    EscalationNews,
    EscalationOutcome,
    JointMeetingBody,
    JointMeetingStart,
    LeaderAssignment,
    MeetingDecisionBody,
    SuperviseBody,
    SupervisionTier,
)
from schema.ticket import Actor, ClosureReason, TicketStatus, TimelineAction
from workflows.ids import discipline_referral_workflow_id, joint_meeting_workflow_id
from workflows.ticket.deadlines import DueFn, due_after
from workflows.ticket.effects import Effect, Outcome, close, dispatch_to
from workflows.ticket.legacy import escalation_ladder as before_tiers
from workflows.ticket.news import CENTRE, DISCIPLINE_COMMISSION, SUPERVISORS
from workflows.ticket.state import RUNG_LEVEL, Rung, Step, StepClock, TicketState

# -- climbing: a clock's instant has passed ------------------------------------------------


async def climb(
    s: TicketState,
    now: datetime,
    clock: StepClock,
    rung: Rung,
    due: DueFn,
    tiered: Callable[[], bool],
) -> Outcome:
    """One rung of one clock. ``tiered``: whether this ticket climbs the tiered ladder (the
    "escalation-ladder" patch; asked only where the two ladders part)."""
    actor = f"timer:{clock.step.value}"
    if rung is Rung.EXPIRY:
        return close(
            s, now, actor, ClosureReason.NO_RATING, note="no rating by the callback deadline"
        )[1]
    if rung is Rung.MISSED:  # a supervision order's or a leader's own deadline
        return await ladder_deadline_missed(s, now, actor, clock, due)
    recipient = CENTRE if clock.step is Step.DISPATCH else (s.lead_department or CENTRE)
    if rung is Rung.WARNING:
        warn(s, now, actor, clock, recipient)
        return Outcome()
    if rung is Rung.REMINDER:
        remind(s, now, actor, clock, recipient)
        if clock.set_by_meeting is not None and s.lead_department:
            return await meeting_deadline_missed(s, now, actor, clock, due)
        return Outcome()
    if tiered():
        return await supervise_missed_step(s, now, actor, clock, due)
    # tickets that reached this rung before the tiered ladder keep their old order
    await before_tiers.supervision_order(s, now, actor, clock, recipient, due)
    return Outcome()


def warn(s: TicketState, now: datetime, actor: str, clock: StepClock, recipient: str) -> None:
    """临期预警 (rung 1)."""
    s.raise_escalation(
        now,
        EscalationKind.WARNING,
        raised_by=actor,
        reason=f"the {clock.step} deadline is near",
        department=None if clock.step is Step.DISPATCH else s.lead_department,
        step=clock.step,
        due_at=clock.due_at,
    )
    due_text = clock.due_at.isoformat()
    event = s.log(
        now,
        actor,
        TimelineAction.DEADLINE_WARNING,
        step=clock.step,
        due=due_text,
        level=RUNG_LEVEL[Rung.WARNING],
    )
    s.notify(
        event, recipient, f"Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) is near"
    )


def remind(s: TicketState, now: datetime, actor: str, clock: StepClock, recipient: str) -> None:
    """催办 (rung 2): the deadline passed; the ticket is overdue."""
    s.missed_deadlines += 1
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.WARNING], clock.step
    )
    s.raise_escalation(
        now,
        EscalationKind.REMINDER,
        raised_by=actor,
        reason=f"the {clock.step} deadline passed",
        department=None if clock.step is Step.DISPATCH else s.lead_department,
        step=clock.step,
        due_at=clock.due_at,
    )
    due_text = clock.due_at.isoformat()
    event = s.log(
        now,
        actor,
        TimelineAction.REMINDER,
        step=clock.step,
        due=due_text,
        level=RUNG_LEVEL[Rung.REMINDER],
    )
    s.notify(
        event,
        recipient,
        f"催办 Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) has passed",
    )


async def supervise_missed_step(
    s: TicketState, now: datetime, actor: str, clock: StepClock, due: DueFn
) -> Outcome:
    """督办 (rung 3) after the grace period, unless a leader or a meeting holds the ticket."""
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.REMINDER], clock.step
    )
    above = [
        *s.open_escalations(EscalationKind.LEADER_SUPERVISION),
        *s.open_escalations(EscalationKind.JOINT_MEETING),
    ]
    if above:  # no new blue order under them
        event = s.log(
            now, actor, TimelineAction.DEADLINE_MISSED, step=clock.step, under=above[0].kind
        )
        s.notify(
            event,
            SUPERVISORS,
            f"Ticket {s.ticket_no}: {clock.step} still not done under "
            f"{above[0].kind.replace('_', ' ')}",
        )
        return Outcome()
    await raise_order(
        s, now, actor, f"{clock.step} still not done", due, step=clock.step, missed=True
    )
    return Outcome()


async def ladder_deadline_missed(
    s: TicketState, now: datetime, actor: str, clock: StepClock, due: DueFn
) -> Outcome:
    """A supervision order's deadline passed: a harder order. A leader's: a joint meeting."""
    s.clocks.pop(clock.step, None)
    s.missed_deadlines += 1
    if clock.step is Step.SUPERVISION:
        tier = s.supervision_tier or SupervisionTier.BLUE
        await raise_order(
            s, now, actor, f"the {tier} supervision order's deadline passed", due, missed=True
        )
        return Outcome()
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.LEADER_SUPERVISION]
    )
    event = s.log(
        now, actor, TimelineAction.LEADER_SUPERVISION_MISSED, due=clock.due_at.isoformat()
    )
    if not s.require_policy().escalation.convene_meeting_automatically:
        s.notify(event, SUPERVISORS, f"Ticket {s.ticket_no}: the leader's deadline passed")
        return Outcome()
    departments = [code for code in [s.lead_department, *s.assisting_departments] if code]
    agenda = (
        f"the leader's deadline ({clock.due_at.isoformat()}) passed: decide the lead unit "
        "and the plan"
    )
    return await convene_meeting(s, now, actor, departments, agenda, due)


# -- 督办 and 领导督办 (rungs 3–4) ------------------------------------------------------------


async def raise_order(
    s: TicketState,
    now: datetime,
    actor: str,
    reason: str,
    due: DueFn,
    step: Step | None = None,
    due_at: datetime | None = None,
    leader: str | None = None,
    missed: bool = False,
) -> None:
    """Issue a supervision order, or reissue the open one a tier harder; past red, a leader.
    ``missed``: because a deadline passed (not a supervisor's choice), so it is overdue."""
    standing = s.open_escalations(EscalationKind.SUPERVISION_ORDER)
    tier: SupervisionTier | None = SupervisionTier.BLUE
    if standing:  # an untiered order (issued before the tiered ladder) counts as blue
        tier = (standing[-1].tier or SupervisionTier.BLUE).harder()
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.SUPERVISION_ORDER]
    )
    if tier is None:
        await raise_leader_supervision(s, now, actor, reason, due, due_at, leader, missed)
        return
    if due_at is None:
        due_at = await due_after(due, "order", s.require_policy().supervision_order, now)
    s.clocks[Step.SUPERVISION] = StepClock(
        step=Step.SUPERVISION, started_at=now, due_at=due_at, follows_missed_deadline=missed
    )
    record = s.raise_escalation(
        now,
        EscalationKind.SUPERVISION_ORDER,
        raised_by=actor,
        reason=reason,
        department=s.lead_department,
        step=step,
        tier=tier,
        due_at=due_at,
    )
    event = s.log(
        now,
        actor,
        TimelineAction.SUPERVISION_ORDER,
        step=step,
        tier=tier,
        due=due_at.isoformat(),
        level=record.level,
        escalation=record.number,
        reason=reason,
    )
    message = (
        f"督办 ({tier}) Ticket {s.ticket_no}: {reason}; supervision order due {due_at.isoformat()}"
    )
    s.notify(event, s.lead_department or CENTRE, message)
    s.notify(event, SUPERVISORS, message)


async def raise_leader_supervision(
    s: TicketState,
    now: datetime,
    actor: str,
    reason: str,
    due: DueFn,
    due_at: datetime | None,
    leader: str | None,
    missed: bool = False,
) -> None:
    """领导督办: the ticket goes on the next dispatch meeting's list under a named leader;
    any supervision order still standing ends, escalated."""
    ladder = s.require_policy().escalation
    if due_at is None:
        due_at = await due_after(due, "leader", ladder.leader_supervision, now)
    leader = leader or ladder.leader_for(s.lead_department)
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.SUPERVISION_ORDER]
    )
    s.clocks.pop(Step.SUPERVISION, None)
    s.clocks[Step.LEADER] = StepClock(
        step=Step.LEADER, started_at=now, due_at=due_at, follows_missed_deadline=missed
    )
    record = s.raise_escalation(
        now,
        EscalationKind.LEADER_SUPERVISION,
        raised_by=actor,
        reason=reason,
        department=s.lead_department,
        due_at=due_at,
        leader=leader,
        dispatch_meeting="next",
    )
    event = s.log(
        now,
        actor,
        TimelineAction.LEADER_SUPERVISION,
        leader=leader,
        lead=s.lead_department,
        due=due_at.isoformat(),
        level=record.level,
        escalation=record.number,
        reason=reason,
    )
    message = (
        f"领导督办 Ticket {s.ticket_no}: under {leader}; {s.lead_department} leads, "
        f"due {due_at.isoformat()}; on the next dispatch meeting's list"
    )
    s.notify(event, s.lead_department or CENTRE, message)
    s.notify(event, SUPERVISORS, message)


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
    event = s.log(now, news.actor, news.action, escalation=news.escalation_number, **news.detail)
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


async def assign_leader(
    s: TicketState, now: datetime, order: LeaderAssignment, due: DueFn
) -> Outcome:
    """The dispatch meeting names a leader for this hard ticket (领导督办)."""
    await raise_leader_supervision(s, now, order.actor, order.reason, due, None, order.leader)
    return Outcome()


# -- the rungs raised by hand --------------------------------------------------------------


async def supervise(
    s: TicketState, now: datetime, actor: Actor, body: SuperviseBody, due: DueFn
) -> Outcome:
    await raise_order(s, now, actor.describe(), body.note, due, due_at=body.due, leader=body.leader)
    return Outcome()


async def joint_meeting(
    s: TicketState, now: datetime, actor: Actor, body: JointMeetingBody, due: DueFn
) -> Outcome:
    return await convene_meeting(s, now, actor.describe(), body.departments, body.agenda, due)


async def discipline_referral(
    s: TicketState, now: datetime, actor: Actor, body: DisciplineReferralBody, due: DueFn
) -> Outcome:
    department = body.department or s.lead_department or ""
    return await refer(s, now, actor.describe(), department, body.reason, due)


LADDER_EFFECTS: dict[str, Effect] = {
    "supervise": supervise,
    "joint-meeting": joint_meeting,
    "discipline-referral": discipline_referral,
}
