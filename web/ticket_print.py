"""The printable 交办单 of a ticket (/tickets/N/print): one A4 sheet with the ticket's
matter, its units and deadlines, and the unit's stamp area (盖章处), for the files of a
unit that handles its tickets on paper too.

A sheet leaves the system: it lies on desks and goes into folders no access rule guards.
So it carries no more than the reader may see (``shown_to``), and the citizen masked
(张*, 138****1234) with every phone or ID-card number in its texts, whoever prints it;
a department reads the full number on the ticket page, where it calls the citizen from.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hotline.personal_data import masked_copy
from schema.ticket import TicketView
from services.choices import catalogue_choices
from services.errors import ServiceError
from services.tickets import read_ticket
from web.base import ContextDep, UserDep, WebError, page

router = APIRouter(include_in_schema=False)


def on_paper(ticket: TicketView) -> TicketView:
    """The ticket as a printed sheet carries it: the citizen and every number masked."""
    return masked_copy(ticket.model_copy(update={"citizen": ticket.citizen.masked()}))


@router.get("/tickets/{no}/print")
async def ticket_sheet(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    try:  # unknown, or another department's: refused as the ticket page refuses it
        ticket = await read_ticket(context, me.account.actor, no)
    except ServiceError as problem:
        raise WebError.of(problem) from problem
    return page(
        request,
        "ticket_print.html",
        me,
        ticket=on_paper(ticket),
        choices=await catalogue_choices(context),
        tz=ZoneInfo(context.policy.timezone),
    )
