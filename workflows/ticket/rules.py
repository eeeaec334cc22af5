"""Who may take which action on a ticket, and when.

Every update validator and signal handler of the ticket workflow asks these checks,
so a refused action is refused the same way whichever door it came in by. A refusal is
an ``ApplicationError`` whose ``type`` the API turns into an HTTP status
(``RefusalType``). Pure module: the caller passes the current instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from schema.escalation import (
    DisciplineReferralBody,
    EscalationKind,
    SuperviseBody,
    SupervisionTier,
)
from schema.ticket import (
    Actor,
    DispatchBody,
    DuplicateMergedSignal,
    ExtensionBody,
    MergeBody,
    PendingReview,
    ReplyBody,
    ReturnReviewBody,
    Role,
    Satisfaction,
    SuspensionBody,
    TicketStatus,
)
from workflows.refusals import RefusalType, refuse
from workflows.ticket.process import BY_ACTION, ProcessStep, Scope
from workflows.ticket.state import Step, TicketState

# A supervision order set by hand is due within this: far past any real order, and it
# keeps a typo (9999-12-31) from parking a ticket's ladder for ever.
LONGEST_SUPERVISION = timedelta(days=90)


# The process table's rows, by action: who may take it, from which statuses.
ACTION_RULES: dict[str, ProcessStep] = BY_ACTION


def check_action(action: str, state: TicketState, actor: Actor) -> None:
    """The checks every action shares: role, department scope, ticket status."""
    rule = ACTION_RULES[action]
    if actor.role not in rule.roles:
        allowed = ", ".join(sorted(r.value for r in rule.roles))
        refuse(RefusalType.FORBIDDEN, f"role '{actor.role}' may not {action}; allowed: {allowed}")
    if state.policy is None:
        refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} is still being registered")
    if actor.role is Role.DEPARTMENT:  # a department with no business here hears 403 first
        _check_department_scope(action, rule.scope, state, actor)
    if state.status not in rule.statuses:
        allowed = ", ".join(s.value for s in TicketStatus if s in rule.statuses)
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is '{state.status}'; '{action}' is allowed only "
            f"when it is: {allowed}",
        )


def offered(
    action: str, actor: Actor, status: TicketStatus, lead: str | None, assisting: list[str]
) -> bool:
    """Whether ``check_action`` lets this actor try ``action`` on a ticket like that: what a
    page offers. The workflow still decides (windows, reviews pending, …), and says why."""
    rule = ACTION_RULES[action]
    if actor.role not in rule.roles or status not in rule.statuses:
        return False
    if actor.role is not Role.DEPARTMENT or rule.scope is Scope.ANY:
        return True
    if rule.scope is Scope.LEAD:
        return actor.department == lead
    if rule.scope is Scope.ASSISTING:
        return actor.department in assisting
    return actor.department in [lead, *assisting]


def _check_department_scope(action: str, scope: Scope, state: TicketState, actor: Actor) -> None:
    lead = state.lead_department
    if scope is Scope.LEAD and actor.department != lead:
        refuse(
            RefusalType.FORBIDDEN,
            f"only the lead department ({lead}) may {action} ticket {state.ticket_no}; "
            f"you act for '{actor.department}'",
        )
    if scope is Scope.ASSISTING and actor.department not in state.assisting_departments:
        refuse(
            RefusalType.FORBIDDEN,
            f"department '{actor.department}' does not assist on ticket {state.ticket_no}",
        )
    if scope is Scope.INVOLVED and actor.department not in [lead, *state.assisting_departments]:
        refuse(
            RefusalType.FORBIDDEN,
            f"department '{actor.department}' is neither lead nor assisting on "
            f"ticket {state.ticket_no}",
        )


# -- action-specific checks -------------------------------------------------------


def _no_review_pending(state: TicketState, action: str) -> None:
    if state.pending_review is not None:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} awaits the centre's {state.pending_review} review; "
            f"'{action}' must wait for it",
        )


def check_dispatch(state: TicketState, actor: Actor, body: DispatchBody) -> None:
    check_action("dispatch", state, actor)
    if body.lead in body.assisting:
        refuse(RefusalType.INVALID_INPUT, "the lead department cannot also be assisting")


def check_return(state: TicketState, actor: Actor, now: datetime) -> None:
    check_action("return", state, actor)
    _no_review_pending(state, "return")
    until = state.other_deadlines.get("return_until")
    if until is not None and now > until:
        refuse(
            RefusalType.INVALID_STATE,
            f"the return window of ticket {state.ticket_no} closed at {until.isoformat()}",
        )


def check_return_review(state: TicketState, actor: Actor, body: ReturnReviewBody) -> None:
    check_action("return-review", state, actor)
    if body.accept:
        if body.lead is None:
            refuse(RefusalType.INVALID_INPUT, "accepting a return needs the new 'lead'")
        if body.lead == state.lead_department:
            refuse(
                RefusalType.INVALID_INPUT,
                f"'{body.lead}' returned this ticket; name a different lead department",
            )
        if body.lead in body.assisting:
            refuse(RefusalType.INVALID_INPUT, "the lead department cannot also be assisting")


def check_extension(state: TicketState, actor: Actor, body: ExtensionBody, now: datetime) -> None:
    check_action("extension", state, actor)
    _no_review_pending(state, "extension")
    reply = state.clocks.get(Step.REPLY)
    if reply is None or now >= reply.due_at:
        refuse(
            RefusalType.INVALID_STATE,
            f"an extension must be asked before the reply deadline; ticket {state.ticket_no}'s "
            "deadline has passed",
        )
    cap = state.require_policy().extension_max_working_days
    left = cap - state.extension_days_granted
    if body.working_days > left:
        refuse(
            RefusalType.INVALID_INPUT,
            f"at most {cap} working days of extension per dispatch; {left} left, "
            f"{body.working_days} asked",
        )


def check_extension_review(state: TicketState, actor: Actor) -> None:
    check_action("extension-review", state, actor)
    if state.pending_extension is None:
        refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} has no extension request")


def check_suspension(state: TicketState, actor: Actor, body: SuspensionBody, now: datetime) -> None:
    check_action("suspend", state, actor)
    _no_review_pending(state, "suspend")
    reasons = state.require_policy().suspension.reasons
    if body.reason not in reasons:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'{body.reason}' is not a reason to suspend; the policy's reasons: "
            + "; ".join(reasons),
        )
    if body.expected_resume < now.date():
        refuse(
            RefusalType.INVALID_INPUT,
            f"'expected_resume' ({body.expected_resume.isoformat()}) is in the past",
        )


def check_suspension_review(state: TicketState, actor: Actor) -> None:
    check_action("suspension-review", state, actor)
    if state.pending_review is not PendingReview.SUSPENSION:
        refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} has no suspension request")


def check_part(state: TicketState, actor: Actor) -> None:
    check_action("part", state, actor)
    if actor.department in state.parts_given:
        refuse(RefusalType.INVALID_STATE, f"'{actor.department}' has given its part already")
    if actor.department not in state.part_clocks:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} asks no part of '{actor.department}' (dispatched before "
            "assisting departments owed one)",
        )


def check_reply_parts(state: TicketState, body: ReplyBody) -> None:
    unknown = [code for code in body.parts_used if code not in state.parts_given]
    if unknown:
        given = ", ".join(state.parts_given) or "none"
        refuse(
            RefusalType.INVALID_INPUT,
            f"'parts_used' names parts not given: {', '.join(unknown)} (given: {given})",
        )


def check_reply_with_parts(state: TicketState, actor: Actor, body: ReplyBody) -> None:
    check_reply(state, actor)
    check_reply_parts(state, body)


def check_reply(state: TicketState, actor: Actor) -> None:
    is_lead = actor.role is Role.DEPARTMENT and actor.department == state.lead_department
    if state.status is TicketStatus.DISPATCHED and is_lead:
        refuse(RefusalType.INVALID_STATE, f"sign for ticket {state.ticket_no} before replying")
    check_action("reply", state, actor)
    _no_review_pending(state, "reply")


def check_rating(state: TicketState, actor: Actor) -> None:
    check_action("rating", state, actor)
    if state.rating is not None:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is already rated; the centre reviews the rating",
        )


def check_rating_review(state: TicketState, actor: Actor) -> None:
    check_action("rating-review", state, actor)
    if state.pending_review is not PendingReview.RATING:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} has no unsatisfied rating to review",
        )


def check_merge(state: TicketState, actor: Actor, body: MergeBody) -> None:
    check_action("merge", state, actor)
    if body.into == state.ticket_no:
        refuse(RefusalType.INVALID_INPUT, "a ticket cannot be merged into itself")


def check_absorb(
    state: TicketState, notice: DuplicateMergedSignal, merging_into: str | None
) -> None:
    """May a duplicate merge into this ticket? Not once it is closed. Not, either, while
    this ticket is itself being merged, unless the duplicate's number is the lower: of two
    tickets merging into each other (or round a cycle) exactly one is then refused, so the
    requests always keep an open ticket that carries them."""
    if state.status is TicketStatus.CLOSED:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is closed ({state.closure_reason}); merge into an open one",
        )
    if merging_into is not None and not notice.duplicate_ticket_no < state.ticket_no:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is itself being merged into {merging_into}",
        )


def check_not_merging(state: TicketState, merging_into: str | None) -> None:
    if merging_into is not None:
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is being merged into {merging_into}; try again in a moment",
        )


def check_supervise(state: TicketState, actor: Actor, body: SuperviseBody, now: datetime) -> None:
    check_action("supervise", state, actor)
    if body.due is not None and body.due <= now:
        refuse(RefusalType.INVALID_INPUT, f"'due' ({body.due.isoformat()}) is not in the future")
    if body.due is not None and body.due > now + LONGEST_SUPERVISION:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'due' ({body.due.isoformat()}) is more than {LONGEST_SUPERVISION.days} days away; "
            "a supervision order is due within weeks",
        )
    if state.open_escalations(EscalationKind.LEADER_SUPERVISION):
        refuse(
            RefusalType.INVALID_STATE,
            f"ticket {state.ticket_no} is already under leader supervision; the next rung "
            "is a joint meeting",
        )
    order = state.open_escalations(EscalationKind.SUPERVISION_ORDER)
    next_is_leader = bool(order) and order[-1].tier is SupervisionTier.RED
    if body.leader is not None and not next_is_leader:
        refuse(
            RefusalType.INVALID_INPUT,
            "a 'leader' is named only when a red supervision order goes to leader supervision",
        )


def check_joint_meeting(state: TicketState, actor: Actor) -> None:
    check_action("joint-meeting", state, actor)
    for meeting in state.open_escalations(EscalationKind.JOINT_MEETING):
        refuse(
            RefusalType.INVALID_STATE,
            f"joint meeting {meeting.workflow_id} is still open; it decides first",
        )


def check_discipline_referral(
    state: TicketState, actor: Actor, body: DisciplineReferralBody
) -> None:
    check_action("discipline-referral", state, actor)
    department = body.department or state.lead_department
    if department is None:
        refuse(
            RefusalType.INVALID_INPUT,
            f"ticket {state.ticket_no} has no lead department; name the 'department' referred",
        )
    for referral in state.open_escalations(EscalationKind.DISCIPLINE_REFERRAL):
        if referral.department == department:
            refuse(
                RefusalType.INVALID_STATE,
                f"{department} is already referred ({referral.workflow_id}); the commission "
                "has not decided yet",
            )


def check_leader_assignment(state: TicketState) -> None:
    """Only an open ticket with a lead, not yet under a leader or higher, gets one."""
    if state.status is TicketStatus.CLOSED or state.lead_department is None:
        refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} has no unit to supervise")
    for kind in (
        EscalationKind.LEADER_SUPERVISION,
        EscalationKind.JOINT_MEETING,
        EscalationKind.DISCIPLINE_REFERRAL,
    ):
        if state.open_escalations(kind):
            refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} is under {kind} already")


def needs_rating_review(satisfaction: Satisfaction) -> bool:
    return satisfaction is Satisfaction.UNSATISFIED


Check = Callable[[TicketState, Actor, Any, datetime], None]
"""An action's validation: (state, actor, body, now); raises the refusal, returns nothing."""


def _shared(action: str) -> Check:
    return lambda state, actor, body, now: check_action(action, state, actor)


CHECKS: dict[str, Check] = {
    "dispatch": lambda state, actor, body, now: check_dispatch(state, actor, body),
    "sign": _shared("sign"),
    "progress": _shared("progress"),
    "reply": lambda state, actor, body, now: check_reply_with_parts(state, actor, body),
    "rating": lambda state, actor, body, now: check_rating(state, actor),
    "rating-review": lambda state, actor, body, now: check_rating_review(state, actor),
    "answer": _shared("answer"),
    "return": lambda state, actor, body, now: check_return(state, actor, now),
    "return-review": lambda state, actor, body, now: check_return_review(state, actor, body),
    "extension": check_extension,
    "extension-review": lambda state, actor, body, now: check_extension_review(state, actor),
    "part": lambda state, actor, body, now: check_part(state, actor),
    "suspend": check_suspension,
    "suspension-review": lambda state, actor, body, now: check_suspension_review(state, actor),
    "resume": _shared("resume"),
    "merge": lambda state, actor, body, now: check_merge(state, actor, body),
    "withdraw": _shared("withdraw"),
    "transfer-110": _shared("transfer-110"),
    "reject": _shared("reject"),
    "police-accept": _shared("police-accept"),
    "police-hand-back": _shared("police-hand-back"),
    "supervise": check_supervise,
    "joint-meeting": lambda state, actor, body, now: check_joint_meeting(state, actor),
    "discipline-referral": lambda state, actor, body, now: check_discipline_referral(
        state, actor, body
    ),
}
