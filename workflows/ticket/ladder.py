"""The escalation ladder's rungs 1–4: what each does when a clock passes it (临期预警, 催办,
督办 blue → orange → red, 领导督办), and 督办 raised by hand, its check beside it.

Rungs, kinds and levels are in ``schema.ladder``; the clocks that fire them in
``state``; rungs 5–6, the child workflows, in ``children``. Like every effect these
change the state and return an ``Outcome``, with no Temporal call of their own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from schema.escalation import (
    EscalationKind,
    EscalationOutcome,
    LeaderAssignment,
    SuperviseBody,
    SupervisionTier,
)
from schema.ticket import Actor, ClosureReason, TicketStatus, TimelineAction, TimelineEvent
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, rules
from workflows.ticket.children import convene_meeting, meeting_deadline_missed
from workflows.ticket.closing import close
from workflows.ticket.deadlines import DueFn, due_after
from workflows.ticket.delegation import tell_above
from workflows.ticket.legacy import escalation_ladder as before_tiers
from workflows.ticket.legacy import order_climbs_on_its_own_deadline as own_deadline
from workflows.ticket.legacy import ticket_level_is_the_leads as level_is_the_leads
from workflows.ticket.news import CENTRE, SUPERVISORS
from workflows.ticket.outcome import Outcome
from workflows.ticket.police import no_answer
from workflows.ticket.state import RUNG_LEVEL, Rung, Step, StepClock, TicketState
from workflows.ticket.state.clocks import supervision_tier
from workflows.ticket.suspension import resume_clocks

# A supervision order set by hand is due within this: far past any real order, and it
# keeps a typo (9999-12-31) from parking a ticket's ladder for ever.
LONGEST_SUPERVISION = timedelta(days=90)

# -- climbing: a clock's instant has passed ------------------------------------------------


async def climb(
    s: TicketState,
    now: datetime,
    clock: StepClock,
    rung: Rung,
    due: DueFn,
    tiered: Callable[[], bool],
    patched: Callable[[str], bool],
) -> Outcome:
    """One rung of one clock. ``tiered``: whether this ticket climbs the tiered ladder (the
    "escalation-ladder" patch; asked only where the two ladders part). ``patched``:
    ``legacy.patched`` for this ticket, for the later patches, asked the same way."""
    actor = f"timer:{clock.step.value}"
    if rung is Rung.EXPIRY:
        return close(
            s, now, actor, ClosureReason.NO_RATING, note="no rating by the callback deadline"
        )[1]
    if rung is Rung.NO_ANSWER:  # 110 said nothing in time
        no_answer(s, now, actor, clock)
        return Outcome()
    if rung is Rung.RESUME:  # the longest suspension ran out
        resume_clocks(s, now, actor, note="the longest suspension ran out")
        return Outcome()
    if rung is Rung.MISSED:  # a supervision order's or a leader's own deadline
        return await ladder_deadline_missed(s, now, actor, clock, due)
    recipient = clock.department or (
        CENTRE if clock.step is Step.DISPATCH else (s.lead_department or CENTRE)
    )
    if rung in (Rung.WARNING, Rung.REMINDER):
        event = deadline_rung(s, now, actor, clock, recipient, rung, patched)
        if clock.step is Step.DELEGATED:  # the unit that passed it down answers for it
            tell_above(s, event, clock)
        if rung is Rung.REMINDER and clock.set_by_meeting is not None and s.lead_department:
            return await meeting_deadline_missed(s, now, actor, clock, due)
        return Outcome()
    if tiered():
        return await supervise_missed_step(s, now, actor, clock, due, patched)
    # tickets that reached this rung before the tiered ladder keep their old order
    await before_tiers.supervision_order(s, now, actor, clock, recipient, due)
    return Outcome()


def deadline_rung(
    s: TicketState,
    now: datetime,
    actor: str,
    clock: StepClock,
    recipient: str,
    rung: Rung,
    patched: Callable[[str], bool],
) -> TimelineEvent:
    """临期预警 (rung 1) before a deadline, 催办 (rung 2) when it passes (the ticket is then
    overdue): raised against the lead, or the centre for a dispatch it owes, or the unit
    whose own clock it is (an assisting part, a unit below): that unit's rung, not the
    ticket's level."""
    near = rung is Rung.WARNING
    if not near:
        s.missed_deadlines += 1
        s.end_open_escalations(
            now,
            EscalationOutcome.ESCALATED,
            actor,
            [EscalationKind.WARNING],
            clock.step,
            department=clock.department,
        )
    another_units = clock.department is not None and patched(level_is_the_leads.PATCH)
    s.raise_escalation(
        now,
        EscalationKind.WARNING if near else EscalationKind.REMINDER,
        raised_by=actor,
        reason=f"the {clock.step} deadline {'is near' if near else 'passed'}",
        department=clock.department or (None if clock.step is Step.DISPATCH else s.lead_department),
        step=clock.step,
        due_at=clock.due_at,
        raises_level=not another_units,
    )
    due_text = clock.due_at.isoformat()
    action = TimelineAction.DEADLINE_WARNING if near else TimelineAction.REMINDER
    event = s.log(now, actor, action, step=clock.step, due=due_text, level=RUNG_LEVEL[rung])
    message = (
        f"Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) is near"
        if near
        else f"催办 Ticket {s.ticket_no}: the {clock.step} deadline ({due_text}) has passed"
    )
    s.notify(event, recipient, message)
    return event


async def supervise_missed_step(
    s: TicketState,
    now: datetime,
    actor: str,
    clock: StepClock,
    due: DueFn,
    patched: Callable[[str], bool],
) -> Outcome:
    """督办 (rung 3) after the grace period, unless a rung above holds the ticket: a leader,
    a meeting, or a supervision order already standing (another step's), which climbs only
    when its own deadline is missed."""
    s.end_open_escalations(
        now, EscalationOutcome.ESCALATED, actor, [EscalationKind.REMINDER], clock.step
    )
    above = [
        *s.open_escalations(EscalationKind.LEADER_SUPERVISION),
        *s.open_escalations(EscalationKind.JOINT_MEETING),
    ]
    standing = s.open_escalations(EscalationKind.SUPERVISION_ORDER)
    if not above and standing and patched(own_deadline.PATCH):
        above = standing
    if above:  # no new or harder order under them
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
        tier = supervision_tier(s) or SupervisionTier.BLUE
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


def check_leader_assignment(state: TicketState) -> None:
    """Only an open ticket with a lead, not yet under a leader or higher, gets one."""
    if state.status is TicketStatus.CLOSED or state.lead_department is None:
        rules.refuse_in_state(state, "it has no unit to supervise", Reason.NO_UNIT_TO_SUPERVISE)
    for kind in (
        EscalationKind.LEADER_SUPERVISION,
        EscalationKind.JOINT_MEETING,
        EscalationKind.DISCIPLINE_REFERRAL,
    ):
        if state.open_escalations(kind):
            rules.refuse_in_state(
                state, f"it is under {kind} already", Reason.ESCALATED_ALREADY, kind=kind.value
            )


async def assign_leader(
    s: TicketState, now: datetime, order: LeaderAssignment, due: DueFn
) -> Outcome:
    """The dispatch meeting names a leader for this hard ticket (领导督办)."""
    await raise_leader_supervision(s, now, order.actor, order.reason, due, None, order.leader)
    return Outcome()


@process.check("supervise")
def check_supervise(state: TicketState, actor: Actor, body: SuperviseBody, now: datetime) -> None:
    rules.check_action("supervise", state, actor)
    if body.due is not None and body.due <= now:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'due' ({body.due.isoformat()}) is not in the future",
            Reason.DUE_NOT_IN_FUTURE,
            at=body.due.isoformat(),
        )
    if body.due is not None and body.due > now + LONGEST_SUPERVISION:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'due' ({body.due.isoformat()}) is more than {LONGEST_SUPERVISION.days} days away; "
            "a supervision order is due within weeks",
            Reason.DUE_TOO_FAR,
            days=LONGEST_SUPERVISION.days,
        )
    if state.open_escalations(EscalationKind.LEADER_SUPERVISION):
        rules.refuse_in_state(
            state,
            "it is already under leader supervision; the next rung is a joint meeting",
            Reason.LEADER_SUPERVISION_OPEN,
        )
    order = state.open_escalations(EscalationKind.SUPERVISION_ORDER)
    next_is_leader = bool(order) and order[-1].tier is SupervisionTier.RED
    if body.leader is not None and not next_is_leader:
        refuse(
            RefusalType.INVALID_INPUT,
            "a 'leader' is named only when a red supervision order goes to leader supervision",
            Reason.LEADER_ONLY_AFTER_RED,
        )


@process.effect("supervise")
async def supervise(
    s: TicketState, now: datetime, actor: Actor, body: SuperviseBody, due: DueFn
) -> Outcome:
    await raise_order(s, now, actor.describe(), body.note, due, due_at=body.due, leader=body.leader)
    return Outcome()
