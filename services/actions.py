"""Ticket actions as every caller runs them: who may act, the read model's precheck, the
action's id, then the workflow's update (which validates and applies it); and the outcome
of an action by its id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from schema.ticket import Actor, Channel, Role, TicketView
from services import attachment_refs
from services.context import AppContext
from services.errors import ServiceError, forbidden, not_found
from services.escalation_queries import EscalationFilter, list_escalations
from services.idempotency import identify_action
from services.partners import check_speaks_for
from services.prechecks import PRECHECKS, Precheck
from services.ticket_gateway import ActionRef
from services.ticket_queries import stored_lead, stored_ticket
from services.tickets import shown_to
from workflows.child_process import CHILD_BY_ACTION
from workflows.ids import ticket_workflow_id
from workflows.ticket.process import PROCESS
from workflows.ticket.rules import department_refusal, in_scope_by_lead
from workflows.ticket.workflow import TicketUpdate, TicketWorkflow

Announce = Callable[[str], None]
"""Told the action's id as soon as it is fixed, before the workflow is asked (an HTTP answer
carries it even when the action is refused or still pending)."""


# 110's answers to a ticket handed to it: only the integration named as 110's speaks them.
POLICE_ACTIONS = frozenset({"police-accept", "police-hand-back"})


async def _check_department_has_business(
    context: AppContext, action: str, ticket_no: str, actor: Actor
) -> None:
    """403 for an integration speaking for 110 that was not granted to, and for a
    department with no business taking ``action`` on the ticket, decided from
    the token and the read model before the workflow is asked: whether the ticket is open
    or closed (a closed ticket's 409 would tell it the closure and its reason) and whether
    a worker is up or not (the update would wait for one and answer 202). The workflow's
    validator checks the same again on the ticket's own state."""
    if action in POLICE_ACTIONS:
        check_speaks_for(actor, Channel.POLICE.value, f"'{action}'")
    if actor.role is not Role.DEPARTMENT:
        return
    async with context.sessions() as session:
        # The lead column first: the lead's own actions (most of them) need not open and
        # parse the whole sealed document.
        lead = await stored_lead(session, ticket_no)
        if lead is None or in_scope_by_lead(action, lead[0], actor.department):
            return
        ticket = await stored_ticket(session, ticket_no)
    refusal = department_refusal(action, ticket, actor.department) if ticket else None
    if refusal is not None:
        raise forbidden(refusal.message, refusal.reason.value, dict(refusal.params))


async def _closed_or_unknown(context: AppContext, ticket_no: str) -> ServiceError:
    """Temporal says only 'not found' for a completed ticket; the read model knows which."""
    async with context.sessions() as session:
        stored = await stored_ticket(session, ticket_no)
    if stored is None:
        return not_found(ticket_no)
    return ServiceError(
        409, "invalid_state", f"ticket {ticket_no} is closed ({stored.closure_reason})"
    )


@dataclass(frozen=True)
class TicketAction:
    name: str
    update: TicketUpdate
    body: type[BaseModel]
    summary: str
    precheck: Precheck | None = None


# One action per row of the process table, in the order of the chart.
TICKET_ACTIONS = [
    TicketAction(
        row.action,
        getattr(TicketWorkflow, row.update),
        row.body,
        row.summary,
        PRECHECKS.get(row.action),
    )
    for row in PROCESS
]


async def run_action(
    context: AppContext,
    action: TicketAction,
    ticket_no: str,
    actor: Actor,
    body: BaseModel,
    idempotency_key: str | None,
    announce: Announce | None = None,
) -> TicketView:
    """One ticket action, as the API and the workbench both run it: who may act, the
    action's precheck, the action's id, then the workflow's update (which validates and
    applies it)."""
    await _check_department_has_business(context, action.name, ticket_no, actor)
    if action.precheck is not None:
        await action.precheck(context, ticket_no, body, actor)
    body = await attachment_refs.resolved(context, ticket_no, actor, body)
    ref = await identify_action(context, actor, ticket_no, action.name, body, idempotency_key)
    if announce is not None:
        announce(ref.action_id)
    try:
        return await context.tickets.act(ticket_no, action.update, actor, body, ref)
    except ServiceError as problem:
        if problem.status == 404:
            raise await _closed_or_unknown(context, ticket_no) from problem
        raise


class ActionOutcome(BaseModel):
    action_id: str
    action: str
    ticket_no: str
    status: Literal["done", "refused", "pending"]
    ticket: dict[str, Any] | None = None  # the ticket (or meeting, referral) after the action
    error: dict[str, str] | None = None  # why it was refused


async def workflows_acting_for(context: AppContext, ticket_no: str, action: str) -> list[str]:
    """Where an action of that name runs: the ticket, or its meetings or referrals."""
    child = CHILD_BY_ACTION.get(action)
    if child is None:
        return [ticket_workflow_id(ticket_no)]
    kind = child.kind
    async with context.sessions() as session:
        rungs, _ = await list_escalations(
            session, EscalationFilter(ticket_no=ticket_no, kind=kind), offset=0, limit=None
        )
    return [rung.workflow_id for rung in rungs if rung.workflow_id]


async def outcome_of(
    context: AppContext, actor: Actor, ticket_no: str, action: str, action_id: str
) -> ActionOutcome:
    """done (with the ticket after it), refused (with the reason) or pending. Only the
    caller's own actions: the id is looked up under the caller's name."""
    ref = ActionRef(ticket_no=ticket_no, action=action, action_id=action_id)
    answer = ActionOutcome(
        action_id=action_id, action=action, ticket_no=ticket_no, status="pending"
    )
    for workflow_id in await workflows_acting_for(context, ticket_no, action):
        try:
            result = await context.tickets.outcome(workflow_id, ref.update_id(actor))
        except ServiceError as problem:
            if problem.code == "unknown_action":
                continue
            if problem.status in (403, 409, 422):
                return answer.model_copy(
                    update={
                        "status": "refused",
                        "error": {"code": problem.code, "message": problem.message},
                    }
                )
            raise
        if result is None:
            return answer
        if action not in CHILD_BY_ACTION:  # the ticket after it, shown as to any of its reads
            result = shown_to(actor, TicketView.model_validate(result)).model_dump(mode="json")
        return answer.model_copy(update={"status": "done", "ticket": result})
    raise ServiceError(
        404,
        "unknown_action",
        f"no action '{action}' with id {action_id} of yours on ticket {ticket_no}: it never "
        "reached the ticket, or the ticket refused it (a refusal changes nothing and leaves "
        "no trace), or the id is wrong. Read the ticket; a retry with the same "
        "Idempotency-Key is applied at most once",
    )
