"""Who may take which action on a ticket, and when.

Every update validator and signal handler of the ticket workflow asks these checks,
so a refused action is refused the same way whichever door it came in by. A refusal is
an ``ApplicationError`` whose ``type`` the API turns into an HTTP status
(``RefusalType``). Pure module: the caller passes the current instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any, NoReturn, Protocol
from zoneinfo import ZoneInfo

from schema import delegation_chain as chain
from schema.escalation import (
    DisciplineReferralBody,
    EscalationKind,
    SuperviseBody,
    SupervisionTier,
)
from schema.ticket import (
    Actor,
    DelegateBody,
    DelegatedReviewBody,
    Delegation,
    DelegationStage,
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
    TicketView,
)
from workflows.refusals import RefusalType, refuse
from workflows.ticket.process import BY_ACTION, ProcessStep, Scope
from workflows.ticket.state import Step, TicketState

# A supervision order set by hand is due within this: far past any real order, and it
# keeps a typo (9999-12-31) from parking a ticket's ladder for ever.
LONGEST_SUPERVISION = timedelta(days=90)


# The process table's rows, by action: who may take it, from which statuses.
ACTION_RULES: dict[str, ProcessStep] = BY_ACTION


def refuse_in_state(state: TicketState, why: str) -> NoReturn:
    """409: a 409's message names the ticket's state first (docs/api.md), then why."""
    refuse(RefusalType.INVALID_STATE, f"ticket {state.ticket_no} is '{state.status}': {why}")


def check_action(action: str, state: TicketState, actor: Actor) -> None:
    """The checks every action shares: role, department scope, ticket status."""
    rule = ACTION_RULES[action]
    if actor.role not in rule.roles:
        allowed = ", ".join(sorted(r.value for r in rule.roles))
        refuse(RefusalType.FORBIDDEN, f"role '{actor.role}' may not {action}; allowed: {allowed}")
    if state.policy is None:
        refuse_in_state(state, "it is still being registered")
    if actor.role is Role.DEPARTMENT:  # a department with no business here hears 403 first
        _check_department_scope(action, state, actor)
    if state.status not in rule.statuses:
        allowed = ", ".join(s.value for s in TicketStatus if s in rule.statuses)
        refuse_in_state(state, f"'{action}' is allowed only when it is: {allowed}")


def offered(action: str, actor: Actor, ticket: TicketView) -> bool:
    """Whether ``check_action`` lets this actor try ``action`` on this ticket: what a page
    offers. The workflow still decides (windows, reviews pending, …), and says why."""
    rule = ACTION_RULES[action]
    if actor.role not in rule.roles or ticket.status not in rule.statuses:
        return False
    return actor.role is not Role.DEPARTMENT or _in_scope(action, ticket, actor.department)


def _in_scope(action: str, ticket: OnTicket, department: str | None) -> bool:
    scope = ACTION_RULES[action].scope
    return scope is Scope.ANY or department in _units_in_scope(
        scope, ticket.lead_department, ticket.assisting_departments, ticket.delegations
    )


def _units_in_scope(
    scope: Scope, lead: str | None, assisting: list[str], delegations: list[Delegation]
) -> list[str | None]:
    """The departments an action of this scope is for, on a ticket like that."""
    match scope:
        case Scope.LEAD:
            return [lead]
        case Scope.ASSISTING:
            return list(assisting)
        case Scope.INVOLVED:
            return [lead, *assisting, *chain.on_chain(delegations)]
        case Scope.HOLDER:
            return [chain.holder(lead, delegations)]
        case Scope.BELOW:
            return [chain.unit_below(delegations)]
        case Scope.ABOVE:
            return [chain.reviewer(delegations)]
    return []


class OnTicket(Protocol):
    """What the scope checks read of a ticket: its state in the workflow, or its view in
    the read model (the API decides who may act before it asks the workflow)."""

    ticket_no: str
    lead_department: str | None
    assisting_departments: list[str]
    delegations: list[Delegation]


def department_refusal(action: str, ticket: OnTicket, department: str | None) -> str | None:
    """Why ``department`` has no business taking ``action`` on this ticket (a 403), or None
    when it has: in the action's scope, or on the ticket's chain though not its turn."""
    if _in_scope(action, ticket, department):
        return None
    scope = ACTION_RULES[action].scope
    lead, below, no = ticket.lead_department, ticket.delegations, ticket.ticket_no
    if scope is Scope.LEAD:
        return (
            f"only the lead department ({lead}) may {action} ticket {no}; "
            f"you act for '{department}'"
        )
    if scope is Scope.ASSISTING:
        return f"department '{department}' does not assist on ticket {no}"
    if scope is Scope.INVOLVED:
        return f"department '{department}' is neither lead nor assisting on ticket {no}"
    passed_to = chain.on_chain(below)
    if department not in [lead, *passed_to]:
        return (
            f"department '{department}' is not in the chain of ticket {no} "
            f"(lead {lead}; passed down to: {', '.join(passed_to) or 'none'})"
        )
    return None


def _check_department_scope(action: str, state: TicketState, actor: Actor) -> None:
    refusal = department_refusal(action, state, actor.department)
    if refusal is not None:
        refuse(RefusalType.FORBIDDEN, refusal)
    if _in_scope(action, state, actor.department):
        return
    # On the chain, but it is not this unit's turn: a matter of the ticket's state.
    refuse_in_state(state, f"'{action}' is not for '{actor.department}' now: {_whose_turn(state)}")


def _whose_turn(state: TicketState) -> str:
    last = chain.lowest(state.delegations)
    if last is None:
        return f"the ticket is with its lead {state.lead_department}"
    if last.stage is DelegationStage.TO_SIGN:
        return f"it is passed down to {last.unit}, which has not signed for it yet"
    if last.stage is DelegationStage.REPLIED:
        return f"{last.unit} replied up; {last.by} reviews the reply"
    return f"{last.unit} handles it, passed down by {last.by}"


# -- action-specific checks -------------------------------------------------------


def city_today(state: TicketState, now: datetime) -> date:
    """Today in the city (the policy's time zone): every date a user gives is a city date,
    and before 08:00 in Shanghai the UTC date is still yesterday's."""
    return now.astimezone(ZoneInfo(state.require_policy().timezone)).date()


def _no_review_pending(state: TicketState, action: str) -> None:
    if state.pending_review is not None:
        refuse_in_state(
            state,
            f"it awaits the centre's {state.pending_review} review; '{action}' must wait for it",
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
        refuse_in_state(state, f"its return window closed at {until.isoformat()}")


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
        refuse_in_state(
            state,
            "an extension must be asked before the reply deadline, and its deadline has passed",
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
        refuse_in_state(state, "it has no extension request")


def check_suspension(
    state: TicketState,
    actor: Actor,
    body: SuspensionBody,
    now: datetime,
    today: date | None = None,
) -> None:
    """``today``: the day 'expected_resume' may not precede (the city's; tickets that asked
    before the "user-dates-are-city-dates" patch replay with the UTC date)."""
    check_action("suspend", state, actor)
    _no_review_pending(state, "suspend")
    reasons = state.require_policy().suspension.reasons
    if body.reason not in reasons:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'{body.reason}' is not a reason to suspend; the policy's reasons: "
            + "; ".join(reasons),
        )
    if body.expected_resume < (today or city_today(state, now)):
        refuse(
            RefusalType.INVALID_INPUT,
            f"'expected_resume' ({body.expected_resume.isoformat()}) is in the past",
        )


def check_suspension_review(state: TicketState, actor: Actor) -> None:
    check_action("suspension-review", state, actor)
    if state.pending_review is not PendingReview.SUSPENSION:
        refuse_in_state(state, "it has no suspension request")


def check_part(state: TicketState, actor: Actor) -> None:
    check_action("part", state, actor)
    if actor.department in state.parts_given:
        refuse_in_state(state, f"'{actor.department}' has given its part already")
    if actor.department in state.parts_unanswered:
        refuse_in_state(
            state, f"the part of '{actor.department}' was closed unanswered when the reply came"
        )
    if actor.department not in state.part_clocks:
        refuse_in_state(
            state,
            f"it asks no part of '{actor.department}' (dispatched before assisting "
            "departments owed one, or the reply is given)",
        )


def check_parts_used(state: TicketState, parts_used: list[str]) -> None:
    unknown = [code for code in parts_used if code not in state.parts_given]
    if unknown:
        given = ", ".join(state.parts_given) or "none"
        refuse(
            RefusalType.INVALID_INPUT,
            f"'parts_used' names parts not given: {', '.join(unknown)} (given: {given})",
        )


def check_reply_with_parts(state: TicketState, actor: Actor, body: ReplyBody) -> None:
    check_reply(state, actor)
    check_parts_used(state, body.parts_used)


def check_reply(state: TicketState, actor: Actor) -> None:
    is_lead = actor.role is Role.DEPARTMENT and actor.department == state.lead_department
    if state.status is TicketStatus.DISPATCHED and is_lead:
        refuse_in_state(state, "sign it before replying")
    check_action("reply", state, actor)
    _no_review_pending(state, "reply")


def check_rating(state: TicketState, actor: Actor) -> None:
    check_action("rating", state, actor)
    if state.rating is not None:
        refuse_in_state(state, "it is already rated; the centre reviews the rating")


def check_rating_review(state: TicketState, actor: Actor) -> None:
    check_action("rating-review", state, actor)
    if state.pending_review is not PendingReview.RATING:
        refuse_in_state(state, "it has no unsatisfied rating to review")


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
        refuse_in_state(state, f"it closed as {state.closure_reason}; merge into an open one")
    if merging_into is not None and not notice.duplicate_ticket_no < state.ticket_no:
        refuse_in_state(state, f"it is itself being merged into {merging_into}")


def check_not_merging(state: TicketState, merging_into: str | None) -> None:
    if merging_into is not None:
        refuse_in_state(state, f"it is being merged into {merging_into}; try again in a moment")


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
        refuse_in_state(
            state, "it is already under leader supervision; the next rung is a joint meeting"
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
        refuse_in_state(
            state, f"joint meeting {meeting.workflow_id} is still open; it decides first"
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
            refuse_in_state(
                state,
                f"{department} is already referred ({referral.workflow_id}); the commission "
                "has not decided yet",
            )


def check_leader_assignment(state: TicketState) -> None:
    """Only an open ticket with a lead, not yet under a leader or higher, gets one."""
    if state.status is TicketStatus.CLOSED or state.lead_department is None:
        refuse_in_state(state, "it has no unit to supervise")
    for kind in (
        EscalationKind.LEADER_SUPERVISION,
        EscalationKind.JOINT_MEETING,
        EscalationKind.DISCIPLINE_REFERRAL,
    ):
        if state.open_escalations(kind):
            refuse_in_state(state, f"it is under {kind} already")


# -- 二级派单 ---------------------------------------------------------------------------


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
    if reply_by < city_today(state, now):
        refuse(RefusalType.INVALID_INPUT, f"'reply_by' ({reply_by.isoformat()}) is in the past")
    own = _own_deadline(state, unit)
    if own is None:
        return
    if own <= now:
        refuse_in_state(
            state,
            f"{unit}'s own deadline on it passed at {own.isoformat()}: reply yourself, or ask "
            "for an extension first",
        )
    last_day = own.astimezone(timezone).date()
    if reply_by > last_day:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'reply_by' ({reply_by.isoformat()}) is after {unit}'s own deadline "
            f"({own.isoformat()}); the last day it may give is {last_day.isoformat()}",
        )


def delegated_due(state: TicketState, unit: str | None, reply_by: date) -> datetime:
    """The end of ``reply_by``, and never after the deadline of the unit passing it down."""
    end = chain.due_end_of(reply_by, state.require_policy().timezone)
    own = _own_deadline(state, unit)
    return min(end, own) if own is not None else end


def check_delegate(state: TicketState, actor: Actor, body: DelegateBody, now: datetime) -> None:
    check_action("delegate", state, actor)
    on_ticket = [
        state.lead_department,
        *state.assisting_departments,
        *chain.on_chain(state.delegations),
    ]
    if body.unit in on_ticket:
        refuse(
            RefusalType.INVALID_INPUT,
            f"'{body.unit}' is on ticket {state.ticket_no} already; pass it to a unit below you",
        )
    if len(state.delegations) >= chain.DEEPEST:
        refuse_in_state(state, f"it is passed down {chain.DEEPEST} levels already")
    check_reply_by(state, actor.department, body.reply_by, now)


def check_delegated_sign(state: TicketState, actor: Actor) -> None:
    check_action("delegated-sign", state, actor)
    if state.delegations[-1].stage is not DelegationStage.TO_SIGN:
        refuse_in_state(state, f"'{actor.department}' has signed for it already")


def check_delegated_reply(state: TicketState, actor: Actor) -> None:
    check_action("delegated-reply", state, actor)
    if state.delegations[-1].stage is DelegationStage.TO_SIGN:
        refuse_in_state(state, f"'{actor.department}' signs for it before replying up")


def check_delegated_review(
    state: TicketState, actor: Actor, body: DelegatedReviewBody, now: datetime
) -> None:
    check_action("delegated-review", state, actor)
    if body.accept:
        if len(state.delegations) == 1:  # the lead accepts: the reply to the citizen
            _no_review_pending(state, "delegated-review")
            check_parts_used(state, body.parts_used)
        elif body.parts_used:
            refuse(RefusalType.INVALID_INPUT, "'parts_used' is given only by the lead")
        return
    below = state.delegations[-1]
    if body.reply_by is not None:
        check_reply_by(state, actor.department, body.reply_by, now)
    elif below.due_at <= now:
        refuse(
            RefusalType.INVALID_INPUT,
            f"{below.unit}'s deadline passed at {below.due_at.isoformat()}; give a new 'reply_by'",
        )


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
    "delegate": check_delegate,
    "delegated-sign": lambda state, actor, body, now: check_delegated_sign(state, actor),
    "delegated-return": _shared("delegated-return"),
    "delegated-reply": lambda state, actor, body, now: check_delegated_reply(state, actor),
    "delegated-review": check_delegated_review,
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
