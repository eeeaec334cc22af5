"""转110 and what 110 answers: it accepts the ticket, or hands it back as no police matter.

A transfer waits for 110 (its integration, or an agent recording its call) within the
policy's ``police_acceptance``; meanwhile only that clock runs. Accepted, the ticket
closes as ``transferred_110``; handed back, it returns to the centre's queue where it
was, with the reason, counted on the ticket; no answer in time reminds the centre.
"""

from __future__ import annotations

from datetime import datetime

from schema.action_bodies import PoliceAcceptBody, PoliceHandBackBody, Transfer110Body
from schema.ticket import Actor, ClosureReason, PendingReview, TicketStatus, TimelineAction
from schema.working_days import DueItem
from workflows.ticket import process, rules
from workflows.ticket.closing import close
from workflows.ticket.deadlines import DueFn
from workflows.ticket.news import CENTRE, POLICE_110
from workflows.ticket.outcome import Outcome, ask_the_centre
from workflows.ticket.state import Step, StepClock, TicketState


@process.check("transfer-110")
def check_transfer_110(
    state: TicketState, actor: Actor, body: Transfer110Body, now: datetime
) -> None:
    rules.check_action("transfer-110", state, actor)


@process.effect("transfer-110")
async def transfer_to_110(
    s: TicketState, now: datetime, actor: Actor, body: Transfer110Body, due: DueFn
) -> Outcome:
    span = s.require_policy().police_acceptance
    at = await due([DueItem(key="police_acceptance", span=span, start=now)])
    due_at = at["police_acceptance"]
    s.clocks[Step.POLICE] = StepClock(step=Step.POLICE, started_at=now, due_at=due_at)
    s.status_before_110 = s.status
    s.status = TicketStatus.AWAITING_110
    s.pending_review = None
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.TRANSFERRED_TO_110,
        reason=body.reason,
        answer_by=due_at.isoformat(),
    )
    s.notify(
        event,
        POLICE_110,
        f"12345 ticket {s.ticket_no} ({s.intake.category}, {s.intake.district}) is handed to "
        f"110: {body.reason}; accept or hand back by {due_at.isoformat()}",
    )
    return Outcome()


@process.check("police-accept")
def check_police_accept(
    state: TicketState, actor: Actor, body: PoliceAcceptBody, now: datetime
) -> None:
    rules.check_action("police-accept", state, actor)


@process.effect("police-accept")
async def accept_for_110(
    s: TicketState, now: datetime, actor: Actor, body: PoliceAcceptBody, due: DueFn
) -> Outcome:
    s.log(
        now,
        actor.describe(),
        TimelineAction.ACCEPTED_BY_110,
        incident_no=body.incident_no,
        note=body.note,
    )
    return close(s, now, actor.describe(), ClosureReason.TRANSFERRED_110)[1]


@process.check("police-hand-back")
def check_police_hand_back(
    state: TicketState, actor: Actor, body: PoliceHandBackBody, now: datetime
) -> None:
    rules.check_action("police-hand-back", state, actor)


@process.effect("police-hand-back")
async def hand_back_from_110(
    s: TicketState, now: datetime, actor: Actor, body: PoliceHandBackBody, due: DueFn
) -> Outcome:
    s.clocks.pop(Step.POLICE, None)
    s.status = s.status_before_110 or TicketStatus.RECEIVED
    s.status_before_110 = None
    s.handed_back_by_110 += 1
    ask_the_centre(
        s,
        now,
        actor.describe(),
        PendingReview.HANDED_BACK,
        TimelineAction.HANDED_BACK_BY_110,
        f"110 handed ticket {s.ticket_no} back: {body.reason}",
        reason=body.reason,
        count=s.handed_back_by_110,
    )
    return Outcome()


def no_answer(s: TicketState, now: datetime, actor: str, clock: StepClock) -> None:
    """110 said nothing by the deadline: the centre is reminded, once; the ticket waits on."""
    s.clocks.pop(clock.step, None)
    answer_by = clock.due_at.isoformat()
    event = s.log(now, actor, TimelineAction.NO_ANSWER_FROM_110, answer_by=answer_by)
    s.notify(
        event,
        CENTRE,
        f"Ticket {s.ticket_no}: 110 has neither accepted nor handed it back by {answer_by}; "
        "call 110",
    )
