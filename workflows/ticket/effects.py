"""What each action of the chart does to a ticket: its effect.

受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 办结, and the side paths (退单, 延期, 发回重办,
并单, 撤诉, 转110, 不予受理). An effect takes the state, the instant, the actor, the body
and a way to compute due instants (``DueFn``), changes the state (status, clocks, the
timeline, the notices) and returns an ``Outcome``: what the workflow must then start or
cancel. Effects make no Temporal call of their own, so the unit tests run them without a
server (tests/units/test_ticket_effects.py). The ladder's effects are in ``ladder``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schema.activity_io import DueItem
from schema.escalation import (
    DisciplineReferralStart,
    EscalationKind,
    EscalationOutcome,
    JointMeetingStart,
)
from schema.ticket import (
    Actor,
    AnswerBody,
    ClosureReason,
    DispatchBody,
    DuplicateMergedSignal,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    PendingReview,
    ProgressBody,
    Rating,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
    TicketStatus,
    TimelineAction,
    TimelineEvent,
    Transfer110Body,
    WithdrawBody,
)
from workflows.ticket import rules
from workflows.ticket.deadlines import DueFn
from workflows.ticket.news import CENTRE
from workflows.ticket.state import PendingExtension, Step, StepClock, TicketState

SYSTEM = "system"
CITIZEN = "citizen"  # the ticket's citizen, reached by whichever sender carries SMS

# The rungs a step's completion (or a re-dispatch) ends.
STEP_RUNGS = (EscalationKind.WARNING, EscalationKind.REMINDER)
ORDER_RUNGS = (
    EscalationKind.WARNING,
    EscalationKind.REMINDER,
    EscalationKind.SUPERVISION_ORDER,
    EscalationKind.LEADER_SUPERVISION,
)


@dataclass
class Outcome:
    """What an effect leaves for the workflow to do, in this order, after it."""

    children: list[JointMeetingStart | DisciplineReferralStart] = field(default_factory=list)
    cancel: list[str] = field(default_factory=list)  # children's workflow ids


Effect = Callable[[TicketState, datetime, Actor, Any, DueFn], Awaitable[Outcome]]
"""An action's effect: (state, now, actor, body, due) → what the workflow does next."""


# -- 派单 ---------------------------------------------------------------------------------


async def dispatch_to(
    s: TicketState,
    now: datetime,
    actor: str,
    lead: str,
    assisting: list[str],
    note: str | None,
    due: DueFn,
    **detail: Any,
) -> None:
    """派单: to a lead (and assisting) departments, with fresh sign and reply clocks."""
    # The dispatch the centre owed is done; rungs against the previous lead are moot.
    s.end_open_escalations(now, EscalationOutcome.DONE, actor, STEP_RUNGS, Step.DISPATCH)
    s.end_open_escalations(now, EscalationOutcome.SUPERSEDED, actor, ORDER_RUNGS)
    policy = s.require_policy()
    urgency = s.intake.urgency
    at = await due(
        [
            DueItem(key="sign", span=policy.sign.for_urgency(urgency), start=now),
            DueItem(key="reply", span=policy.reply.for_urgency(urgency), start=now),
            DueItem(key="return_until", span=policy.return_window, start=now),
            DueItem(key="sign_supervision", span=policy.supervision_grace, after="sign"),
            DueItem(key="reply_supervision", span=policy.supervision_grace, after="reply"),
        ]
    )
    s.clocks = {
        Step.SIGN: StepClock(
            step=Step.SIGN, started_at=now, due_at=at["sign"], supervise_at=at["sign_supervision"]
        ),
        Step.REPLY: StepClock(
            step=Step.REPLY,
            started_at=now,
            due_at=at["reply"],
            supervise_at=at["reply_supervision"],
        ),
    }
    s.other_deadlines = {"return_until": at["return_until"]}
    s.status = TicketStatus.DISPATCHED
    s.lead_department = lead
    s.assisting_departments = list(assisting)
    s.hop += 1
    s.extension_days_granted = 0
    s.signed_at = None
    s.dispatched_at = s.dispatched_at or now
    event = s.log(
        now,
        actor,
        TimelineAction.DISPATCHED,
        lead=lead,
        assisting=list(assisting),
        hop=s.hop,
        note=note,
        sign_due=at["sign"].isoformat(),
        reply_due=at["reply"].isoformat(),
        **detail,
    )
    subject = f"ticket {s.ticket_no} ({s.intake.category}, {s.intake.district})"
    s.notify(
        event,
        lead,
        f"New {subject}: you lead; sign by {at['sign'].isoformat()}, "
        f"reply by {at['reply'].isoformat()}",
    )
    for code in assisting:
        s.notify(event, code, f"New {subject}: you assist {lead}")


async def await_manual_dispatch(s: TicketState, now: datetime, due: DueFn) -> None:
    """No rule in the catalogue: the centre owes a dispatch by the policy's limit."""
    span = s.require_policy().dispatch.for_urgency(s.intake.urgency)
    at = await due([DueItem(key="dispatch", span=span, start=s.created_at)])
    s.clocks[Step.DISPATCH] = StepClock(
        step=Step.DISPATCH, started_at=s.created_at, due_at=at["dispatch"]
    )
    event = s.log(
        now,
        SYSTEM,
        TimelineAction.AWAITING_DISPATCH,
        reason="the dispatch catalogue has no rule for this category",
        due=at["dispatch"].isoformat(),
    )
    s.notify(
        event,
        CENTRE,
        f"Ticket {s.ticket_no} ({s.intake.category}, {s.intake.district}) needs manual dispatch",
    )


async def dispatch(
    s: TicketState, now: datetime, actor: Actor, body: DispatchBody, due: DueFn
) -> Outcome:
    await dispatch_to(s, now, actor.describe(), body.lead, body.assisting, body.note, due)
    return Outcome()


async def answer(
    s: TicketState, now: datetime, actor: Actor, body: AnswerBody, due: DueFn
) -> Outcome:
    s.clocks.pop(Step.DISPATCH, None)
    s.log(now, actor.describe(), TimelineAction.ANSWERED, content=body.content)
    s.replied_at = now
    await start_callback(s, now, due)
    return Outcome()


# -- 签收, 办理, 退单 ------------------------------------------------------------------------


async def sign(s: TicketState, now: datetime, actor: Actor, body: SignBody, due: DueFn) -> Outcome:
    s.status = TicketStatus.HANDLING
    s.signed_at = now
    s.clocks.pop(Step.SIGN, None)
    s.end_open_escalations(now, EscalationOutcome.DONE, actor.describe(), STEP_RUNGS, Step.SIGN)
    s.log(now, actor.describe(), TimelineAction.SIGNED, note=body.note)
    return Outcome()


async def progress(
    s: TicketState, now: datetime, actor: Actor, body: ProgressBody, due: DueFn
) -> Outcome:
    s.log(now, actor.describe(), TimelineAction.PROGRESS, content=body.content)
    return Outcome()


async def return_ticket(
    s: TicketState, now: datetime, actor: Actor, body: ReturnBody, due: DueFn
) -> Outcome:
    s.status_before_return = s.status
    s.status = TicketStatus.RETURNED
    s.pending_review = PendingReview.RETURN
    s.return_count += 1
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.RETURNED,
        reason=body.reason,
        legal_basis=body.legal_basis,
    )
    s.notify(event, CENTRE, f"Ticket {s.ticket_no} returned by {s.lead_department}: {body.reason}")
    return Outcome()


async def review_return(
    s: TicketState, now: datetime, actor: Actor, body: ReturnReviewBody, due: DueFn
) -> Outcome:
    s.pending_review = None
    previous_lead = s.lead_department
    if body.accept and body.lead is not None:
        s.log(
            now,
            actor.describe(),
            TimelineAction.RETURN_ACCEPTED,
            previous_lead=previous_lead,
            note=body.note,
        )
        await dispatch_to(s, now, actor.describe(), body.lead, body.assisting, body.note, due)
        return Outcome()
    s.status = s.status_before_return or TicketStatus.DISPATCHED
    event = s.log(now, actor.describe(), TimelineAction.RETURN_REJECTED, note=body.note)
    if previous_lead:
        s.notify(
            event,
            previous_lead,
            f"Your return of ticket {s.ticket_no} was rejected; the deadlines run on",
        )
    return Outcome()


# -- 延期 ----------------------------------------------------------------------------------


async def request_extension(
    s: TicketState, now: datetime, actor: Actor, body: ExtensionBody, due: DueFn
) -> Outcome:
    s.pending_extension = PendingExtension(
        working_days=body.working_days,
        reason=body.reason,
        requested_by=actor.describe(),
        requested_at=now,
    )
    s.pending_review = PendingReview.EXTENSION
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.EXTENSION_REQUESTED,
        working_days=body.working_days,
        reason=body.reason,
    )
    s.notify(
        event,
        CENTRE,
        f"Ticket {s.ticket_no}: {s.lead_department} asks {body.working_days} more working days",
    )
    return Outcome()


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


# -- 答复, 回访 ----------------------------------------------------------------------------


async def reply(
    s: TicketState, now: datetime, actor: Actor, body: ReplyBody, due: DueFn
) -> Outcome:
    s.replied_at = now
    s.reply_outcome = body.outcome
    s.log(now, actor.describe(), TimelineAction.REPLIED, outcome=body.outcome, content=body.content)
    await start_callback(s, now, due)
    return Outcome()


async def start_callback(s: TicketState, now: datetime, due: DueFn) -> None:
    """回访: the citizen is called back; no rating by the deadline closes as no_rating."""
    s.end_open_escalations(now, EscalationOutcome.DONE, SYSTEM, ORDER_RUNGS)
    at = await due([DueItem(key="callback", span=s.require_policy().callback, start=now)])
    s.clocks = {Step.CALLBACK: StepClock(step=Step.CALLBACK, started_at=now, due_at=at["callback"])}
    s.other_deadlines = {}
    s.status = TicketStatus.CALLBACK
    s.rating = None


async def rate(
    s: TicketState, now: datetime, actor: Actor, body: RatingBody, due: DueFn
) -> Outcome:
    s.rating = Rating(
        satisfaction=body.satisfaction,
        solved=body.solved,
        comment=body.comment,
        rated_at=now,
        rated_by=actor.describe(),
    )
    s.clocks.pop(Step.CALLBACK, None)
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.RATED,
        satisfaction=body.satisfaction,
        solved=body.solved,
        comment=body.comment,
    )
    if rules.needs_rating_review(body.satisfaction):
        s.pending_review = PendingReview.RATING
        s.notify(event, CENTRE, f"Ticket {s.ticket_no}: the citizen is unsatisfied; review")
        return Outcome()
    return close(s, now, SYSTEM, ClosureReason.RATED)[1]


async def review_rating(
    s: TicketState, now: datetime, actor: Actor, body: RatingReviewBody, due: DueFn
) -> Outcome:
    """Reasonable dissatisfaction: 发回重办 with a new deadline; otherwise close, excluded."""
    s.pending_review = None
    if not body.reasonable:
        s.excluded_from_score = True
        s.log(now, actor.describe(), TimelineAction.RATING_EXCLUDED, note=body.note)
        return close(s, now, SYSTEM, ClosureReason.RATED)[1]
    policy = s.require_policy()
    at = await due(
        [
            DueItem(key="reply", span=policy.rework, start=now),
            DueItem(key="reply_supervision", span=policy.supervision_grace, after="reply"),
        ]
    )
    s.rework_count += 1
    s.status = TicketStatus.HANDLING
    s.clocks = {
        Step.REPLY: StepClock(
            step=Step.REPLY,
            started_at=now,
            due_at=at["reply"],
            supervise_at=at["reply_supervision"],
        )
    }
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.SENT_BACK_FOR_REWORK,
        note=body.note,
        rework_count=s.rework_count,
        reply_due=at["reply"].isoformat(),
    )
    if s.lead_department:
        s.notify(
            event,
            s.lead_department,
            f"Ticket {s.ticket_no} is sent back for re-handling; reply by "
            f"{at['reply'].isoformat()}",
        )
    return Outcome()


# -- 办结 and the ways a ticket closes early -----------------------------------------------


def close(
    s: TicketState, now: datetime, actor: str, closure: ClosureReason, **detail: Any
) -> tuple[TimelineEvent, Outcome]:
    """办结: the clocks stop, open meetings are cancelled (the workflow cancels their
    workflows); an open discipline referral goes on: it outlives the ticket."""
    s.status = TicketStatus.CLOSED
    s.closure_reason = closure
    s.closed_at = now
    s.clocks = {}
    s.other_deadlines = {}
    s.pending_review = None
    s.pending_extension = None
    s.end_open_escalations(now, EscalationOutcome.SUPERSEDED, actor, ORDER_RUNGS)
    closed = s.log(now, actor, TimelineAction.CLOSED, closure=closure, **detail)
    outcome = Outcome()
    for meeting in s.open_escalations(EscalationKind.JOINT_MEETING):
        s.end_escalation(meeting, now, EscalationOutcome.CANCELLED, actor)
        if meeting.workflow_id:
            outcome.cancel.append(meeting.workflow_id)
    return closed, outcome


def closing(closure: ClosureReason) -> Effect:
    """撤诉, 转110, 不予受理: the ticket closes with the reason the body gives."""

    async def effect(
        s: TicketState,
        now: datetime,
        actor: Actor,
        body: WithdrawBody | Transfer110Body | RejectBody,
        due: DueFn,
    ) -> Outcome:
        return close(s, now, actor.describe(), closure, reason=body.reason)[1]

    return effect


def close_as_merged(s: TicketState, now: datetime, actor: Actor, body: MergeBody) -> Outcome:
    """并单: closed into the earlier ticket, which carries the request from now on."""
    s.merged_into = body.into
    closed, outcome = close(s, now, actor.describe(), ClosureReason.MERGED, into=body.into)
    s.notify(
        closed,
        CITIZEN,
        f"Your request {s.ticket_no} is the same as {body.into}, which is being handled; "
        "you will hear of its outcome.",
    )
    return outcome


def note_duplicate(s: TicketState, now: datetime, notice: DuplicateMergedSignal) -> None:
    event = s.log(
        now, notice.actor, TimelineAction.DUPLICATE_MERGED, duplicate=notice.duplicate_ticket_no
    )
    s.notify(
        event,
        CITIZEN,
        f"A request like yours ({notice.duplicate_ticket_no}) was joined to "
        f"your ticket {s.ticket_no}.",
    )


CHART_EFFECTS: dict[str, Effect] = {
    "dispatch": dispatch,
    "sign": sign,
    "progress": progress,
    "reply": reply,
    "rating": rate,
    "rating-review": review_rating,
    "answer": answer,
    "return": return_ticket,
    "return-review": review_return,
    "extension": request_extension,
    "extension-review": review_extension,
    "withdraw": closing(ClosureReason.WITHDRAWN),
    "transfer-110": closing(ClosureReason.TRANSFERRED_110),
    "reject": closing(ClosureReason.REJECTED),
}
