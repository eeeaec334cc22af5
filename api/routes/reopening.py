"""Reopening (重新受理) over HTTP: ``services.reopening`` decides."""

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response

from api.deps import ContextDep, require_roles
from api.routes.tickets import TicketNo, answer_registered
from schema.action_bodies import ReopenBody
from schema.ticket import Actor, Role, TicketView
from services.reopening import reopen
from services.tickets import shown_to

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])
AgentDep = Annotated[Actor, Depends(require_roles([Role.AGENT]))]


@router.post("/{ticket_no}/reopen", status_code=201, response_model=TicketView)
async def reopen_ticket(
    ticket_no: TicketNo,
    body: ReopenBody,
    actor: AgentDep,
    context: ContextDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> TicketView:
    """重新受理: a new ticket for the citizen's new call, linked to the closed one, sent
    to its lead; 409 if the ticket is open, merged, closed longer than the policy's
    ``reopen_window``, or reopened already by a ticket still open."""
    taken = await reopen(context, ticket_no, body, actor, idempotency_key)
    answer_registered(response, taken)
    return shown_to(actor, taken.ticket)
