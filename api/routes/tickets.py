"""Intake and reads of tickets (docs/api.md, Ticket): HTTP over ``services.tickets``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from api.deps import ContextDep, IntakeActorDep, StaffDep
from schema.ticket import Citizen, TicketCreate, TicketCreated, TicketView
from services import tickets

router = APIRouter(prefix="/v1/tickets", tags=["tickets"])

TicketNo = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,40}$", description="ticket number")]


@router.post(
    "",
    status_code=201,
    response_model=TicketCreated,
    responses={
        202: {"description": "received, not yet recorded: read the ticket at its Location"},
    },
)
async def create_ticket(
    body: TicketCreate,
    actor: IntakeActorDep,
    context: ContextDep,
    response: Response,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> TicketCreated:
    """受理: record a request; dispatched at once when the catalogue knows it. The answer
    lists open tickets it may duplicate, for the agent to merge."""
    taken = await tickets.register_ticket(context, body, actor, idempotency_key)
    answer_registered(response, taken)
    return await tickets.with_duplicates(context, actor, taken.ticket, body)


def answer_registered(response: Response, taken: tickets.Registered) -> None:
    """Where the ticket is, and whether this answer replays the first attempt's."""
    response.headers["Location"] = f"/v1/tickets/{taken.ticket.ticket_no}"
    if taken.replayed:
        response.headers["Idempotent-Replayed"] = "true"


@router.get("", response_model=tickets.TicketPage)
async def search_tickets(
    search: Annotated[tickets.TicketSearch, Query()], actor: StaffDep, context: ContextDep
) -> tickets.TicketPage:
    """Tickets from the read model, newest first. A department sees only its own."""
    return await tickets.find_tickets(context, actor, search)


@router.get("/{ticket_no}", response_model=TicketView)
async def get_ticket(ticket_no: TicketNo, actor: StaffDep, context: ContextDep) -> TicketView:
    """The ticket now. Integrators and the discipline commission see personal data masked."""
    return await tickets.read_ticket(context, actor, ticket_no)


@router.get("/{ticket_no}/citizen", response_model=Citizen)
async def get_citizen(ticket_no: TicketNo, actor: StaffDep, context: ContextDep) -> Citizen:
    """The citizen's name and phone number, for the roles that may read personal data."""
    return await tickets.citizen_of(context, actor, ticket_no)


@router.get("/{ticket_no}/timeline", response_model=tickets.Timeline)
async def get_timeline(
    ticket_no: TicketNo, actor: StaffDep, context: ContextDep
) -> tickets.Timeline:
    """Every trace of the ticket: who, when, what and why."""
    return await tickets.timeline_of(context, actor, ticket_no)
