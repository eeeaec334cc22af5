"""答复 → 回访 → 办结, with 发回重办 and the ways a ticket closes early (并单, 撤诉, 转110,
不予受理): the chart's second half, each action's check beside its effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schema.action_bodies import (
    DuplicateMergedSignal,
    MergeBody,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    Transfer110Body,
    WithdrawBody,
)
from schema.escalation import (
    EscalationKind,
    EscalationOutcome,
)
from schema.ticket import (
    Actor,
    ClosureReason,
    PendingReview,
    Rating,
    Role,
    Satisfaction,
    TicketStatus,
    TimelineAction,
    TimelineEvent,
)
from schema.working_days import DueItem
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, readiness, rules
from workflows.ticket.deadlines import DueFn
from workflows.ticket.news import CENTRE
from workflows.ticket.outcome import CITIZEN, ORDER_RUNGS, SYSTEM, Effect, Outcome
from workflows.ticket.state import REWORK_RULE, Step, StepClock, TicketState

# -- 答复, 回访 ----------------------------------------------------------------------------


@process.check("reply")
def check_reply(state: TicketState, actor: Actor, body: ReplyBody, now: datetime) -> None:
    is_lead = actor.role is Role.DEPARTMENT and actor.department == state.lead_department
    if state.status is TicketStatus.DISPATCHED and is_lead:  # the lead hears why, first
        readiness.check_now("reply", state)
    rules.check_action("reply", state, actor)
    readiness.check_now("reply", state)
    rules.check_parts_used(state, body.parts_used)


@process.effect("reply")
async def reply(
    s: TicketState, now: datetime, actor: Actor, body: ReplyBody, due: DueFn
) -> Outcome:
    s.replied_at = now
    s.reply_outcome = body.outcome
    for code, part in s.parts_given.items():  # 留痕: which parts this reply drew on
        part.used = code in body.parts_used
    s.log(
        now,
        actor.describe(),
        TimelineAction.REPLIED,
        outcome=body.outcome,
        content=body.content,
        parts_used=list(body.parts_used),
    )
    await start_callback(s, now, due)
    return Outcome()


async def start_callback(s: TicketState, now: datetime, due: DueFn) -> None:
    """回访: the citizen is called back; no rating by the deadline closes as no_rating."""
    if s.pending_review is PendingReview.HANDED_BACK:  # answered on the spot after 110
        s.pending_review = None
    s.end_open_escalations(now, EscalationOutcome.DONE, SYSTEM, ORDER_RUNGS)
    s.end_delegations(now, SYSTEM, "the lead replied to the citizen")
    at = await due([DueItem(key="callback", span=s.require_policy().callback, start=now)])
    s.clocks = {Step.CALLBACK: StepClock(step=Step.CALLBACK, started_at=now, due_at=at["callback"])}
    s.close_parts_owed(now)  # the reply is given: parts still owed are moot
    s.other_deadlines = {}
    s.status = TicketStatus.CALLBACK
    s.rating = None


@process.check("rating")
def check_rating(state: TicketState, actor: Actor, body: RatingBody, now: datetime) -> None:
    rules.check_action("rating", state, actor)
    readiness.check_now("rating", state)


def needs_rating_review(satisfaction: Satisfaction) -> bool:
    return satisfaction is Satisfaction.UNSATISFIED


@process.effect("rating")
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
    if needs_rating_review(body.satisfaction):
        s.pending_review = PendingReview.RATING
        s.notify(event, CENTRE, f"Ticket {s.ticket_no}: the citizen is unsatisfied; review")
        return Outcome()
    return close(s, now, SYSTEM, ClosureReason.RATED)[1]


@process.check("rating-review")
def check_rating_review(
    state: TicketState, actor: Actor, body: RatingReviewBody, now: datetime
) -> None:
    rules.check_action("rating-review", state, actor)
    readiness.check_now("rating-review", state)


@process.effect("rating-review")
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
            rule=REWORK_RULE,  # the policy's rework limit, under priority supervision
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
    s.close_parts_owed(now)
    s.other_deadlines = {}
    s.pending_review = None
    s.pending_extension = None
    s.end_open_escalations(now, EscalationOutcome.SUPERSEDED, actor, ORDER_RUNGS)
    s.end_delegations(now, actor, f"the ticket closed ({closure})")
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


@process.check("withdraw")
def check_withdraw(state: TicketState, actor: Actor, body: WithdrawBody, now: datetime) -> None:
    rules.check_action("withdraw", state, actor)


withdraw = process.effect("withdraw")(closing(ClosureReason.WITHDRAWN))


@process.check("reject")
def check_reject(state: TicketState, actor: Actor, body: RejectBody, now: datetime) -> None:
    rules.check_action("reject", state, actor)


reject = process.effect("reject")(closing(ClosureReason.REJECTED))


# -- 并单: the workflow asks the target first (``TicketWorkflow.merge``), then closes ------


@process.check("merge")
def check_merge(state: TicketState, actor: Actor, body: MergeBody, now: datetime) -> None:
    rules.check_action("merge", state, actor)
    if body.into == state.ticket_no:
        refuse(
            RefusalType.INVALID_INPUT,
            "a ticket cannot be merged into itself",
            Reason.MERGE_INTO_ITSELF,
        )


def check_absorb(
    state: TicketState, notice: DuplicateMergedSignal, merging_into: str | None
) -> None:
    """May a duplicate merge into this ticket? Not once it is closed. Not, either, while
    this ticket is itself being merged, unless the duplicate's number is the lower: of two
    tickets merging into each other (or round a cycle) exactly one is then refused, so the
    requests always keep an open ticket that carries them."""
    if state.status is TicketStatus.CLOSED:
        rules.refuse_in_state(
            state,
            f"it closed as {state.closure_reason}; merge into an open one",
            Reason.MERGE_INTO_CLOSED,
        )
    if merging_into is not None and not notice.duplicate_ticket_no < state.ticket_no:
        rules.refuse_in_state(
            state,
            f"it is itself being merged into {merging_into}",
            Reason.MERGING_ITSELF,
            into=merging_into,
        )


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
