"""Who may take which action on a ticket, and when: the checks every action shares.

Every action's own check (in its stage module, beside its effect, registered with
``@process.check``) asks ``check_action`` first: role, department scope, ticket status,
read from the action's row of the process table. Every update validator and signal
handler of the ticket workflow asks those checks, so a refused action is refused the
same way whichever door it came in by. A refusal is an ``ApplicationError`` whose
``type`` the API turns into an HTTP status (``RefusalType``); a 409 goes through
``refuse_in_state``, which names the ticket's state first. Pure module: the caller
passes the current instant.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn, Protocol
from zoneinfo import ZoneInfo

from schema import delegation_chain as chain
from schema.ticket import Actor, Delegation, DelegationStage, Role, TicketStatus, TicketView
from workflows.refusals import Reason, RefusalType, Said, refuse, refuse_said
from workflows.ticket.process import BY_ACTION, ProcessStep, Scope
from workflows.ticket.state import TicketState

# The process table's rows, by action: who may take it, from which statuses.
ACTION_RULES: dict[str, ProcessStep] = BY_ACTION


def refuse_in_state(
    state: TicketState, why: str, reason: Reason, /, **params: str | int | list[str]
) -> NoReturn:
    """409: a 409's message names the ticket's state first (docs/api.md), then why; its
    parameters name the state too (``status``)."""
    refuse(
        RefusalType.INVALID_STATE,
        f"ticket {state.ticket_no} is '{state.status}': {why}",
        reason,
        status=state.status.value,
        **params,
    )


def check_action(action: str, state: TicketState, actor: Actor) -> None:
    """The checks every action shares: role, department scope, ticket status."""
    rule = ACTION_RULES[action]
    if actor.role not in rule.roles:
        allowed = ", ".join(sorted(r.value for r in rule.roles))
        refuse(
            RefusalType.FORBIDDEN,
            f"role '{actor.role}' may not {action}; allowed: {allowed}",
            Reason.ROLE_MAY_NOT,
            role=actor.role.value,
            action=action,
            roles=sorted(r.value for r in rule.roles),
        )
    if state.policy is None:
        refuse_in_state(state, "it is still being registered", Reason.STILL_REGISTERING)
    if actor.role is Role.DEPARTMENT:  # a department with no business here hears 403 first
        _check_department_scope(action, state, actor)
    if state.status not in rule.statuses:
        allowed = ", ".join(s.value for s in TicketStatus if s in rule.statuses)
        refuse_in_state(
            state,
            f"'{action}' is allowed only when it is: {allowed}",
            Reason.STATUS_NOT_ALLOWED,
            action=action,
            statuses=[s.value for s in TicketStatus if s in rule.statuses],
        )


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


def in_scope_by_lead(action: str, lead: str | None, department: str | None) -> bool:
    """Whether the ticket's lead alone puts ``department`` in the action's scope: for any
    unit's actions, and the lead's own. The API then needs no more of the ticket."""
    scope = ACTION_RULES[action].scope
    return scope is Scope.ANY or (scope is Scope.LEAD and department == lead)


def department_refusal(action: str, ticket: OnTicket, department: str | None) -> Said | None:
    """Why ``department`` has no business taking ``action`` on this ticket (a 403), or None
    when it has: in the action's scope, or on the ticket's chain though not its turn."""
    if _in_scope(action, ticket, department):
        return None
    scope = ACTION_RULES[action].scope
    lead, below, no = ticket.lead_department, ticket.delegations, ticket.ticket_no
    if scope is Scope.LEAD:
        return Said(
            f"only the lead department ({lead}) may {action} ticket {no}; "
            f"you act for '{department}'",
            Reason.NOT_THE_LEAD,
            {"action": action, "lead": lead or "", "department": department or ""},
        )
    if scope is Scope.ASSISTING:
        return Said(
            f"department '{department}' does not assist on ticket {no}",
            Reason.NOT_ASSISTING,
            {"department": department or ""},
        )
    if scope is Scope.INVOLVED:
        return Said(
            f"department '{department}' is neither lead nor assisting on ticket {no}",
            Reason.NOT_INVOLVED,
            {"department": department or ""},
        )
    passed_to = chain.on_chain(below)
    if department not in [lead, *passed_to]:
        return Said(
            f"department '{department}' is not in the chain of ticket {no} "
            f"(lead {lead}; passed down to: {', '.join(passed_to) or 'none'})",
            Reason.NOT_ON_CHAIN,
            {"department": department or ""},
        )
    return None


def _check_department_scope(action: str, state: TicketState, actor: Actor) -> None:
    refusal = department_refusal(action, state, actor.department)
    if refusal is not None:
        refuse_said(RefusalType.FORBIDDEN, refusal)
    if _in_scope(action, state, actor.department):
        return
    # On the chain, but it is not this unit's turn: a matter of the ticket's state.
    refuse_in_state(
        state,
        f"'{action}' is not for '{actor.department}' now: {_whose_turn(state)}",
        Reason.NOT_YOUR_TURN,
        action=action,
        department=actor.department or "",
    )


def _whose_turn(state: TicketState) -> str:
    last = chain.lowest(state.delegations)
    if last is None:
        return f"the ticket is with its lead {state.lead_department}"
    if last.stage is DelegationStage.TO_SIGN:
        return f"it is passed down to {last.unit}, which has not signed for it yet"
    if last.stage is DelegationStage.REPLIED:
        return f"{last.unit} replied up; {last.by} reviews the reply"
    return f"{last.unit} handles it, passed down by {last.by}"


# -- what several stages' checks share -----------------------------------------------


def city_today(state: TicketState, now: datetime) -> date:
    """Today in the city (the policy's time zone): every date a user gives is a city date,
    and before 08:00 in Shanghai the UTC date is still yesterday's."""
    return now.astimezone(ZoneInfo(state.require_policy().timezone)).date()


def check_no_review_pending(state: TicketState, action: str) -> None:
    if state.pending_review is not None:
        refuse_in_state(
            state,
            f"it awaits the centre's {state.pending_review} review; '{action}' must wait for it",
            Reason.REVIEW_PENDING,
            review=str(state.pending_review),
            action=action,
        )


def check_parts_used(state: TicketState, parts_used: list[str]) -> None:
    unknown = [code for code in parts_used if code not in state.parts_given]
    if unknown:
        given = ", ".join(state.parts_given) or "none"
        refuse(
            RefusalType.INVALID_INPUT,
            f"'parts_used' names parts not given: {', '.join(unknown)} (given: {given})",
            Reason.PARTS_NOT_GIVEN,
            departments=unknown,
        )


def check_not_merging(state: TicketState, merging_into: str | None) -> None:
    if merging_into is not None:
        refuse_in_state(
            state,
            f"it is being merged into {merging_into}; try again in a moment",
            Reason.BEING_MERGED,
            into=merging_into,
        )
