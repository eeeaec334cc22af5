"""延期: the lead asks the centre for more working days before its reply deadline, and the
centre approves (the reply clock moves on by working days and its rungs re-arm) or
refuses. Each action's check beside its effect."""

from __future__ import annotations

from datetime import datetime

from schema.action_bodies import ExtensionBody, ExtensionReviewBody
from schema.ticket import Actor, PendingReview, TimelineAction
from schema.working_days import DueItem
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, readiness, rules
from workflows.ticket.deadlines import DueFn
from workflows.ticket.outcome import Outcome, ask_the_centre
from workflows.ticket.state import PendingExtension, Step, StepClock, TicketState


@process.check("extension")
def check_extension(state: TicketState, actor: Actor, body: ExtensionBody, now: datetime) -> None:
    rules.check_action("extension", state, actor)
    readiness.check_now("extension", state)
    reply = state.clocks.get(Step.REPLY)
    if reply is None or now >= reply.due_at:
        rules.refuse_in_state(
            state,
            "an extension must be asked before the reply deadline, and its deadline has passed",
            Reason.EXTENSION_TOO_LATE,
        )
    cap = state.require_policy().extension_max_working_days
    left = cap - state.extension_days_granted
    if body.working_days > left:
        refuse(
            RefusalType.INVALID_INPUT,
            f"at most {cap} working days of extension per dispatch; {left} left, "
            f"{body.working_days} asked",
            Reason.EXTENSION_OVER_CAP,
            cap=cap,
            left=left,
            asked=body.working_days,
        )


@process.effect("extension")
async def request_extension(
    s: TicketState, now: datetime, actor: Actor, body: ExtensionBody, due: DueFn
) -> Outcome:
    s.pending_extension = PendingExtension(
        working_days=body.working_days,
        reason=body.reason,
        requested_by=actor.describe(),
        requested_at=now,
    )
    ask_the_centre(
        s,
        now,
        actor.describe(),
        PendingReview.EXTENSION,
        TimelineAction.EXTENSION_REQUESTED,
        f"Ticket {s.ticket_no}: {s.lead_department} asks {body.working_days} more working days",
        working_days=body.working_days,
        reason=body.reason,
    )
    return Outcome()


@process.check("extension-review")
def check_extension_review(
    state: TicketState, actor: Actor, body: ExtensionReviewBody, now: datetime
) -> None:
    rules.check_action("extension-review", state, actor)
    readiness.check_now("extension-review", state)
    if state.pending_extension is None:  # not without its request (the effect reads it)
        rules.refuse_in_state(state, "it has no extension request", Reason.NO_EXTENSION_REQUEST)


@process.effect("extension-review")
async def review_extension(
    s: TicketState, now: datetime, actor: Actor, body: ExtensionReviewBody, due: DueFn
) -> Outcome:
    request = s.pending_extension
    s.pending_extension = None
    s.pending_review = None
    clock = s.clocks.get(Step.REPLY)
    if not body.approve or request is None or clock is None:
        event = s.log(now, actor.describe(), TimelineAction.EXTENSION_REFUSED, note=body.note)
        message = f"Ticket {s.ticket_no}: extension refused; the reply deadline stands"
    else:
        grace = s.require_policy().supervision_grace
        at = await due(
            [
                DueItem(key="reply", span=f"{request.working_days}wd", start=clock.due_at),
                DueItem(key="reply_supervision", span=grace, after="reply"),
            ]
        )
        s.clocks[Step.REPLY] = StepClock(
            step=Step.REPLY,
            started_at=clock.started_at,
            due_at=at["reply"],
            supervise_at=at["reply_supervision"],
            rule=clock.rule,
        )
        s.extension_days_granted += request.working_days
        s.other_deadlines.pop("supervision", None)
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.EXTENSION_APPROVED,
            working_days=request.working_days,
            note=body.note,
            reply_due=at["reply"].isoformat(),
        )
        message = f"Ticket {s.ticket_no}: extension approved; reply by {at['reply'].isoformat()}"
    if s.lead_department:
        s.notify(event, s.lead_department, message)
    return Outcome()
