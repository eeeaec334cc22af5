"""二级派单 (dispatch down the hierarchy): the effects of passing a ticket down from the
lead to a unit below it (district → street → community), the unit below signing, handing
it back up or replying up, and the unit above reviewing that reply.

The lead stays responsible (首接负责制): its own sign, reply and ladder clocks run on
whatever the units below do. Each unit below has one clock of its own, its reply-up
deadline, whose warning and reminder are raised against it and told to the unit above.
Who may act is read from the chain (``schema.delegation_chain``); each action's check sits
beside its effect.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from schema import delegation_chain as chain
from schema.action_bodies import (
    DelegateBody,
    DelegatedReplyBody,
    DelegatedReturnBody,
    DelegatedReviewBody,
    ReplyBody,
    SignBody,
)
from schema.escalation import EscalationOutcome
from schema.ticket import (
    Actor,
    DelegatedReply,
    Delegation,
    DelegationEnd,
    DelegationStage,
    TimelineAction,
    TimelineEvent,
)
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, readiness, rules
from workflows.ticket.closing import reply
from workflows.ticket.deadlines import DueFn
from workflows.ticket.outcome import STEP_RUNGS, Outcome
from workflows.ticket.state import Step, StepClock, TicketState

# -- the deadline a unit below is given ------------------------------------------------


def _own_deadline(state: TicketState, unit: str | None) -> datetime | None:
    """The deadline ``unit`` answers by on this ticket: the lead's reply deadline, or the
    one it was passed down with."""
    for delegation in state.delegations:
        if delegation.unit == unit:
            return delegation.due_at
    reply = state.clocks.get(Step.REPLY)
    return reply.due_at if reply is not None else None


def check_reply_by(state: TicketState, unit: str | None, reply_by: date, now: datetime) -> None:
    """A deadline passed down falls on a day from today to the last of the unit's own."""
    timezone = ZoneInfo(state.require_policy().timezone)
    if reply_by < rules.city_today(state, now):
        refuse(
            RefusalType.INVALID_INPUT,
            f"'reply_by' ({reply_by.isoformat()}) is in the past",
            Reason.REPLY_BY_IN_PAST,
            day=reply_by.isoformat(),
        )
    own = _own_deadline(state, unit)
    if own is None:
        return
    if own <= now:
        rules.refuse_in_state(
            state,
            f"{unit}'s own deadline on it passed at {own.isoformat()}: reply yourself, or ask "
            "for an extension first",
            Reason.OWN_DEADLINE_PASSED,
            unit=unit or "",
            at=own.isoformat(),
        )
    last_day = own.astimezone(timezone).date()
    if reply_by > last_day:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'reply_by' ({reply_by.isoformat()}) is after {unit}'s own deadline "
            f"({own.isoformat()}); the last day it may give is {last_day.isoformat()}",
            Reason.REPLY_BY_AFTER_DEADLINE,
            day=reply_by.isoformat(),
            unit=unit or "",
            last_day=last_day.isoformat(),
        )


def delegated_due(state: TicketState, unit: str | None, reply_by: date) -> datetime:
    """The end of ``reply_by``, and never after the deadline of the unit passing it down."""
    end = chain.due_end_of(reply_by, state.require_policy().timezone)
    own = _own_deadline(state, unit)
    return min(end, own) if own is not None else end


# -- the actions -----------------------------------------------------------------------


def _owed_below(
    s: TicketState,
    now: datetime,
    actor: str,
    delegation: Delegation,
    action: TimelineAction,
    why: str,
    **detail: object,
) -> None:
    """The unit below owes a reply up (again): its clock starts, and it is told by when."""
    s.delegation_clocks[delegation.unit] = StepClock(
        step=Step.DELEGATED, started_at=now, due_at=delegation.due_at, department=delegation.unit
    )
    due_text = delegation.due_at.isoformat()
    event = s.log(now, actor, action, unit=delegation.unit, reply_up_due=due_text, **detail)
    s.notify(event, delegation.unit, f"Ticket {s.ticket_no}: {why}; reply up by {due_text}")


def _stop_clock(s: TicketState, now: datetime, actor: str, unit: str) -> None:
    """The unit below has done what it owed: its clock stops and its open rungs end."""
    s.delegation_clocks.pop(unit, None)
    s.end_open_escalations(
        now, EscalationOutcome.DONE, actor, STEP_RUNGS, Step.DELEGATED, department=unit
    )


@process.check("delegate")
def check_delegate(state: TicketState, actor: Actor, body: DelegateBody, now: datetime) -> None:
    rules.check_action("delegate", state, actor)
    on_ticket = [
        state.lead_department,
        *state.assisting_departments,
        *chain.on_chain(state.delegations),
    ]
    if body.unit in on_ticket:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'{body.unit}' is on ticket {state.ticket_no} already; pass it to a unit below you",
            Reason.UNIT_ON_TICKET,
            unit=body.unit,
        )
    if len(state.delegations) >= chain.DEEPEST:
        rules.refuse_in_state(
            state,
            f"it is passed down {chain.DEEPEST} levels already",
            Reason.PASSED_DOWN_TOO_DEEP,
            levels=chain.DEEPEST,
        )
    check_reply_by(state, actor.department, body.reply_by, now)


@process.effect("delegate")
async def delegate(
    s: TicketState, now: datetime, actor: Actor, body: DelegateBody, due: DueFn
) -> Outcome:
    holder = actor.department or ""
    delegation = Delegation(
        by=holder,
        unit=body.unit,
        due_at=delegated_due(s, holder, body.reply_by),
        passed_at=now,
    )
    s.delegations.append(delegation)
    if body.unit not in s.passed_to:
        s.passed_to.append(body.unit)
    _owed_below(
        s,
        now,
        actor.describe(),
        delegation,
        TimelineAction.DELEGATED,
        f"{s.intake.category}, passed down to you by {holder}: sign for it",
        level=len(s.delegations),
        note=body.note,
    )
    return Outcome()


@process.check("delegated-sign")
def check_delegated_sign(state: TicketState, actor: Actor, body: SignBody, now: datetime) -> None:
    rules.check_action("delegated-sign", state, actor)
    readiness.check_now("delegated-sign", state)


@process.effect("delegated-sign")
async def sign_delegated(
    s: TicketState, now: datetime, actor: Actor, body: SignBody, due: DueFn
) -> Outcome:
    below = s.delegations[-1]
    below.stage = DelegationStage.HANDLING
    below.signed_at = now
    s.log(now, actor.describe(), TimelineAction.DELEGATED_SIGNED, unit=below.unit, note=body.note)
    return Outcome()


@process.check("delegated-return")
def check_delegated_return(
    state: TicketState, actor: Actor, body: DelegatedReturnBody, now: datetime
) -> None:
    rules.check_action("delegated-return", state, actor)


@process.effect("delegated-return")
async def return_delegated(
    s: TicketState, now: datetime, actor: Actor, body: DelegatedReturnBody, due: DueFn
) -> Outcome:
    """退回上级: the unit below hands the ticket back; the unit above holds it again."""
    below = s.finish_delegation(now, DelegationEnd.HANDED_BACK)
    _stop_clock(s, now, actor.describe(), below.unit)
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.DELEGATED_RETURNED,
        unit=below.unit,
        to=below.by,
        reason=body.reason,
    )
    s.notify(event, below.by, f"Ticket {s.ticket_no} handed back up by {below.unit}: {body.reason}")
    return Outcome()


@process.check("delegated-reply")
def check_delegated_reply(
    state: TicketState, actor: Actor, body: DelegatedReplyBody, now: datetime
) -> None:
    rules.check_action("delegated-reply", state, actor)
    readiness.check_now("delegated-reply", state)


@process.effect("delegated-reply")
async def reply_delegated(
    s: TicketState, now: datetime, actor: Actor, body: DelegatedReplyBody, due: DueFn
) -> Outcome:
    below = s.delegations[-1]
    result = DelegatedReply(outcome=body.outcome, content=body.content, by=below.unit)
    _replied_up(s, now, actor.describe(), below, result)
    return Outcome()


def _replied_up(
    s: TicketState, now: datetime, actor: str, delegation: Delegation, result: DelegatedReply
) -> None:
    """``delegation``'s unit has replied up: its clock stops, the unit above reviews."""
    delegation.stage = DelegationStage.REPLIED
    delegation.reply = result
    _stop_clock(s, now, actor, delegation.unit)
    event = s.log(
        now,
        actor,
        TimelineAction.DELEGATED_REPLIED,
        unit=delegation.unit,
        outcome=result.outcome,
        content=result.content,
        past_due=now > delegation.due_at,
    )
    s.notify(event, delegation.by, f"Ticket {s.ticket_no}: {delegation.unit} replied up; review it")


@process.check("delegated-review")
def check_delegated_review(
    state: TicketState, actor: Actor, body: DelegatedReviewBody, now: datetime
) -> None:
    rules.check_action("delegated-review", state, actor)
    if body.accept:
        if len(state.delegations) == 1:  # the lead accepts: the reply to the citizen
            rules.check_no_review_pending(state, "delegated-review")
            rules.check_parts_used(state, body.parts_used)
        elif body.parts_used:
            refuse(
                RefusalType.INVALID_INPUT,
                "'parts_used' is given only by the lead",
                Reason.PARTS_USED_LEAD_ONLY,
            )
        return
    below = state.delegations[-1]
    if body.reply_by is not None:
        check_reply_by(state, actor.department, body.reply_by, now)
    elif below.due_at <= now:
        refuse(
            RefusalType.INVALID_INPUT,
            f"{below.unit}'s deadline passed at {below.due_at.isoformat()}; give a new 'reply_by'",
            Reason.BELOW_DEADLINE_PASSED,
            unit=below.unit,
            at=below.due_at.isoformat(),
        )


@process.effect("delegated-review")
async def review_delegated_reply(
    s: TicketState, now: datetime, actor: Actor, body: DelegatedReviewBody, due: DueFn
) -> Outcome:
    """Accepted: the reply becomes the reviewer's own (the lead's: the ticket's reply, and
    the callback starts). Sent back: the unit below works on, by the deadline given."""
    below = s.delegations[-1]
    result = below.reply
    assert result is not None  # the check lets only a replied delegation be reviewed
    if not body.accept:
        below.stage = DelegationStage.HANDLING
        below.reply = None
        below.sent_back += 1
        if body.reply_by is not None:
            below.due_at = delegated_due(s, below.by, body.reply_by)
        _owed_below(
            s,
            now,
            actor.describe(),
            below,
            TimelineAction.DELEGATED_REPLY_SENT_BACK,
            f"{below.by} sent your reply back",
            note=body.note,
        )
        return Outcome()
    s.finish_delegation(now, DelegationEnd.ACCEPTED)
    s.log(
        now,
        actor.describe(),
        TimelineAction.DELEGATED_REPLY_ACCEPTED,
        unit=below.unit,
        note=body.note,
    )
    above = chain.lowest(s.delegations)
    if above is None:  # the lead accepts: the ticket's reply, in the lead's name
        answer = ReplyBody(
            outcome=result.outcome, content=result.content, parts_used=body.parts_used
        )
        return await reply(s, now, actor, answer, due)
    # A unit in between: the reply goes up as its own, for the unit above it to review.
    _replied_up(s, now, actor.describe(), above, result)
    return Outcome()


def tell_above(s: TicketState, event: TimelineEvent, clock: StepClock) -> None:
    """A unit below is near or past its deadline: the unit that passed it down is told."""
    for delegation in s.delegations:
        if delegation.unit == clock.department:
            near = event.action == TimelineAction.DEADLINE_WARNING
            s.notify(
                event,
                delegation.by,
                f"Ticket {s.ticket_no}: {delegation.unit}'s reply-up deadline "
                f"({clock.due_at.isoformat()}) {'is near' if near else 'has passed'}",
            )
