"""挂起 / 中止办理: the lead asks, the centre approves, and the clocks stand still.

While a ticket is suspended its clocks (sign, reply, the ladder's) do not run and its
ladder does not climb; only the policy's longest suspension runs, and when it runs out
the ticket resumes by itself. On resumption, by hand or so, every clock is moved on by
the time the ticket was suspended: the time that was left is restored, not restarted.
The suspended time is kept on the ticket (``suspended_seconds``) so that statistics can
count it apart and suspension cannot hide delay.
"""

from __future__ import annotations

from datetime import date, datetime

from schema.action_bodies import ResumeBody, SuspensionBody, SuspensionReviewBody
from schema.ticket import Actor, DelegationStage, PendingReview, TicketStatus, TimelineAction
from schema.working_days import DueItem
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket import process, readiness, rules
from workflows.ticket.deadlines import DueFn
from workflows.ticket.outcome import Outcome, ask_the_centre
from workflows.ticket.state import PendingSuspension, Step, StepClock, TicketState


@process.check("suspend")
def check_suspension(
    state: TicketState,
    actor: Actor,
    body: SuspensionBody,
    now: datetime,
    today: date | None = None,
) -> None:
    """``today``: the day 'expected_resume' may not precede (the city's; tickets that asked
    before the "user-dates-are-city-dates" patch replay with the UTC date)."""
    rules.check_action("suspend", state, actor)
    readiness.check_now("suspend", state)
    reasons = state.require_policy().suspension.reasons
    if body.reason not in reasons:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'{body.reason}' is not a reason to suspend; the policy's reasons: "
            + "; ".join(reasons),
            Reason.NOT_A_SUSPENSION_REASON,
            reason=body.reason,
        )
    if body.expected_resume < (today or rules.city_today(state, now)):
        refuse(
            RefusalType.INVALID_INPUT,
            f"'expected_resume' ({body.expected_resume.isoformat()}) is in the past",
            Reason.RESUME_IN_PAST,
            day=body.expected_resume.isoformat(),
        )


@process.effect("suspend")
async def request_suspension(
    s: TicketState, now: datetime, actor: Actor, body: SuspensionBody, due: DueFn
) -> Outcome:
    s.pending_suspension = PendingSuspension(
        reason=body.reason,
        expected_resume=body.expected_resume,
        requested_by=actor.describe(),
        requested_at=now,
    )
    ask_the_centre(
        s,
        now,
        actor.describe(),
        PendingReview.SUSPENSION,
        TimelineAction.SUSPENSION_REQUESTED,
        f"Ticket {s.ticket_no}: {s.lead_department} asks to suspend it ({body.reason}) "
        f"until {body.expected_resume.isoformat()}",
        reason=body.reason,
        expected_resume=body.expected_resume.isoformat(),
        note=body.note,
    )
    return Outcome()


@process.check("suspension-review")
def check_suspension_review(
    state: TicketState, actor: Actor, body: SuspensionReviewBody, now: datetime
) -> None:
    rules.check_action("suspension-review", state, actor)
    readiness.check_now("suspension-review", state)


@process.effect("suspension-review")
async def review_suspension(
    s: TicketState, now: datetime, actor: Actor, body: SuspensionReviewBody, due: DueFn
) -> Outcome:
    request = s.pending_suspension
    s.pending_suspension = None
    s.pending_review = None
    if not body.approve or request is None:
        event = s.log(now, actor.describe(), TimelineAction.SUSPENSION_REFUSED, note=body.note)
        message = f"Ticket {s.ticket_no}: suspension refused; the deadlines run on"
    else:
        longest = s.require_policy().suspension.longest
        at = await due([DueItem(key="suspended", span=longest, start=now)])
        s.clocks[Step.SUSPENDED] = StepClock(
            step=Step.SUSPENDED, started_at=now, due_at=at["suspended"]
        )
        s.status_before_suspension = s.status
        s.status = TicketStatus.SUSPENDED
        s.suspended_since = now
        s.suspension_count += 1
        event = s.log(
            now,
            actor.describe(),
            TimelineAction.SUSPENSION_APPROVED,
            reason=request.reason,
            expected_resume=request.expected_resume.isoformat(),
            resumes_by=at["suspended"].isoformat(),
            note=body.note,
        )
        message = (
            f"Ticket {s.ticket_no} is suspended ({request.reason}); the clocks stand still "
            f"until it resumes, at the latest {at['suspended'].isoformat()}"
        )
    if s.lead_department:
        s.notify(event, s.lead_department, message)
    return Outcome()


@process.check("resume")
def check_resume(state: TicketState, actor: Actor, body: ResumeBody, now: datetime) -> None:
    rules.check_action("resume", state, actor)


@process.effect("resume")
async def resume(
    s: TicketState, now: datetime, actor: Actor, body: ResumeBody, due: DueFn
) -> Outcome:
    resume_clocks(s, now, actor.describe(), note=body.note)
    return Outcome()


def resume_clocks(s: TicketState, now: datetime, actor: str, note: str | None = None) -> None:
    """恢复办理: each clock moves on by the suspended time, so it keeps what it had left."""
    since = s.suspended_since or now
    standstill = now - since
    s.clocks.pop(Step.SUSPENDED, None)
    for clock in [*s.clocks.values(), *s.part_clocks.values(), *s.delegation_clocks.values()]:
        clock.started_at += standstill
        clock.due_at += standstill
        if clock.supervise_at is not None:
            clock.supervise_at += standstill
    for delegation in s.delegations:  # the units below keep what they had left too
        if delegation.stage is not DelegationStage.REPLIED:
            delegation.due_at += standstill
    s.other_deadlines = {name: at + standstill for name, at in s.other_deadlines.items()}
    s.status = s.status_before_suspension or TicketStatus.HANDLING
    s.status_before_suspension = None
    s.suspended_since = None
    s.suspended_seconds += int(standstill.total_seconds())
    reply = s.clocks.get(Step.REPLY)
    event = s.log(
        now,
        actor,
        TimelineAction.RESUMED,
        suspended_days=round(standstill.total_seconds() / 86400, 2),
        reply_due=reply.due_at.isoformat() if reply else None,
        note=note,
    )
    if s.lead_department:
        due_text = f"; reply by {reply.due_at.isoformat()}" if reply else ""
        s.notify(event, s.lead_department, f"Ticket {s.ticket_no} resumes{due_text}")
