"""派单 → 签收 → 办理, with 退单 and 协办意见: the chart's first half, each action's check
beside its effect (registered in the process table's rows). 延期 is in ``extension``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schema.action_bodies import (
    AnswerBody,
    AssistingPartBody,
    DispatchBody,
    ProgressBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
)
from schema.activity_io import Feature
from schema.escalation import (
    EscalationOutcome,
)
from schema.ticket import Actor, AssistingPart, PendingReview, TicketStatus, TimelineAction
from schema.working_days import DueItem
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, readiness, rules
from workflows.ticket.closing import start_callback
from workflows.ticket.deadlines import DueFn
from workflows.ticket.news import CENTRE
from workflows.ticket.outcome import ORDER_RUNGS, STEP_RUNGS, SYSTEM, Outcome
from workflows.ticket.state import Step, StepClock, TicketState

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
    s.end_delegations(now, actor, "the centre dispatched the ticket anew")
    policy = s.require_policy()
    # A fast lane's, or the urgency's.
    sign_span, sign_rule = policy.limit("sign", s.intake, s.category_chain)
    reply_span, reply_rule = policy.limit("reply", s.intake, s.category_chain)
    owing = assisting if Feature.ASSISTING_PARTS in s.features else []  # 协办意见
    at = await due(
        [
            *(DueItem(key=f"part:{code}", span=policy.assist_part, start=now) for code in owing),
            DueItem(key="sign", span=sign_span, start=now),
            DueItem(key="reply", span=reply_span, start=now),
            DueItem(key="return_until", span=policy.return_window, start=now),
            DueItem(key="sign_supervision", span=policy.supervision_grace, after="sign"),
            DueItem(key="reply_supervision", span=policy.supervision_grace, after="reply"),
        ]
    )
    s.clocks = {
        Step.SIGN: StepClock(
            step=Step.SIGN,
            started_at=now,
            due_at=at["sign"],
            supervise_at=at["sign_supervision"],
            rule=sign_rule,
        ),
        Step.REPLY: StepClock(
            step=Step.REPLY,
            started_at=now,
            due_at=at["reply"],
            supervise_at=at["reply_supervision"],
            rule=reply_rule,
        ),
    }
    s.other_deadlines = {"return_until": at["return_until"]}
    s.part_clocks = {
        code: StepClock(step=Step.PART, started_at=now, due_at=at[f"part:{code}"], department=code)
        for code in owing
    }
    s.parts_given = {}
    s.parts_unanswered = {}
    s.status = TicketStatus.DISPATCHED
    if s.pending_review is PendingReview.HANDED_BACK:  # the centre has decided anew
        s.pending_review = None
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
        sign_rule=sign_rule,
        reply_rule=reply_rule,
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
        part = at.get(f"part:{code}")
        owed = f"; your part is due by {part.isoformat()}" if part else ""
        s.notify(event, code, f"New {subject}: you assist {lead}{owed}")


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


@process.check("dispatch")
def check_dispatch(state: TicketState, actor: Actor, body: DispatchBody, now: datetime) -> None:
    rules.check_action("dispatch", state, actor)
    if body.lead in body.assisting:
        refuse(
            RefusalType.INVALID_INPUT,
            "the lead department cannot also be assisting",
            Reason.LEAD_ALSO_ASSISTING,
        )


@process.effect("dispatch")
async def dispatch(
    s: TicketState, now: datetime, actor: Actor, body: DispatchBody, due: DueFn
) -> Outcome:
    await dispatch_to(s, now, actor.describe(), body.lead, body.assisting, body.note, due)
    return Outcome()


@process.check("answer")
def check_answer(state: TicketState, actor: Actor, body: AnswerBody, now: datetime) -> None:
    rules.check_action("answer", state, actor)


@process.effect("answer")
async def answer(
    s: TicketState, now: datetime, actor: Actor, body: AnswerBody, due: DueFn
) -> Outcome:
    s.clocks.pop(Step.DISPATCH, None)
    s.log(now, actor.describe(), TimelineAction.ANSWERED, content=body.content)
    s.replied_at = now
    await start_callback(s, now, due)
    return Outcome()


# -- 签收, 办理, 退单 ------------------------------------------------------------------------


@process.check("sign")
def check_sign(state: TicketState, actor: Actor, body: SignBody, now: datetime) -> None:
    rules.check_action("sign", state, actor)


@process.effect("sign")
async def sign(s: TicketState, now: datetime, actor: Actor, body: SignBody, due: DueFn) -> Outcome:
    s.status = TicketStatus.HANDLING
    s.signed_at = now
    s.clocks.pop(Step.SIGN, None)
    s.end_open_escalations(now, EscalationOutcome.DONE, actor.describe(), STEP_RUNGS, Step.SIGN)
    s.log(now, actor.describe(), TimelineAction.SIGNED, note=body.note)
    return Outcome()


@process.check("progress")
def check_progress(state: TicketState, actor: Actor, body: ProgressBody, now: datetime) -> None:
    rules.check_action("progress", state, actor)
    # Since "progress-needs-the-signature" (legacy.recheck replays the reports before it).
    readiness.check_now("progress", state)


@process.effect("progress")
async def progress(
    s: TicketState, now: datetime, actor: Actor, body: ProgressBody, due: DueFn
) -> Outcome:
    s.log(now, actor.describe(), TimelineAction.PROGRESS, content=body.content)
    return Outcome()


@process.check("return")
def check_return(state: TicketState, actor: Actor, body: ReturnBody, now: datetime) -> None:
    rules.check_action("return", state, actor)
    readiness.check_now("return", state)
    until = state.other_deadlines.get("return_until")
    if until is not None and now > until:
        rules.refuse_in_state(
            state,
            f"its return window closed at {until.isoformat()}",
            Reason.RETURN_WINDOW_CLOSED,
            at=until.isoformat(),
        )


@process.effect("return")
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


@process.check("return-review")
def check_return_review(
    state: TicketState, actor: Actor, body: ReturnReviewBody, now: datetime
) -> None:
    rules.check_action("return-review", state, actor)
    if body.accept:
        if body.lead is None:
            refuse(
                RefusalType.INVALID_INPUT,
                "accepting a return needs the new 'lead'",
                Reason.RETURN_NEEDS_LEAD,
            )
        if body.lead == state.lead_department:
            refuse(
                RefusalType.INVALID_INPUT,
                f"'{body.lead}' returned this ticket; name a different lead department",
                Reason.SAME_LEAD_AGAIN,
                lead=body.lead,
            )
        if body.lead in body.assisting:
            refuse(
                RefusalType.INVALID_INPUT,
                "the lead department cannot also be assisting",
                Reason.LEAD_ALSO_ASSISTING,
            )


@process.effect("return-review")
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


@process.check("part")
def check_part(state: TicketState, actor: Actor, body: AssistingPartBody, now: datetime) -> None:
    rules.check_action("part", state, actor)
    if actor.department in state.parts_given:
        rules.refuse_in_state(
            state,
            f"'{actor.department}' has given its part already",
            Reason.PART_GIVEN_ALREADY,
            department=actor.department,
        )
    if actor.department in state.parts_unanswered:
        rules.refuse_in_state(
            state,
            f"the part of '{actor.department}' was closed unanswered when the reply came",
            Reason.PART_CLOSED_UNANSWERED,
            department=actor.department,
        )
    if actor.department not in state.part_clocks:
        rules.refuse_in_state(
            state,
            f"it asks no part of '{actor.department}' (dispatched before assisting "
            "departments owed one, or the reply is given)",
            Reason.NO_PART_ASKED,
            department=actor.department or "",
        )


@process.effect("part")
async def submit_part(
    s: TicketState, now: datetime, actor: Actor, body: AssistingPartBody, due: DueFn
) -> Outcome:
    """协办意见: an assisting department gives the lead its part; its clock stops."""
    code = actor.department or ""
    clock = s.part_clocks.pop(code)
    s.parts_given[code] = AssistingPart(department=code, due_at=clock.due_at, submitted_at=now)
    s.end_open_escalations(
        now, EscalationOutcome.DONE, actor.describe(), STEP_RUNGS, Step.PART, department=code
    )
    event = s.log(
        now,
        actor.describe(),
        TimelineAction.PART_SUBMITTED,
        content=body.content,
        past_due=now > clock.due_at,
    )
    if s.lead_department:
        s.notify(event, s.lead_department, f"Ticket {s.ticket_no}: {code} gave its part")
    return Outcome()
