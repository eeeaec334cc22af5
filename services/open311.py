"""The tickets the Open311 facade serves as service requests, read from the read model
alone (GeoReport clients poll; the workflows are not asked)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from schema.tables import Ticket
from schema.ticket import TicketView
from services.context import AppContext
from services.ticket_queries import stored_ticket

MAX_RECORDS = 1000


async def service_requests(
    context: AppContext,
    *,
    start: datetime,
    end: datetime,
    ids: list[str] | None = None,
    categories: list[str] | None = None,
    open: bool | None = None,
) -> list[TicketView]:
    """Newest first, at most ``MAX_RECORDS``: the tickets created from ``start`` to ``end``
    (both included), or those ``ids`` name whenever they were created; of these
    ``categories``, open (any status but closed) or closed."""
    statement = select(Ticket.document).where(Ticket.created_at >= start, Ticket.created_at <= end)
    if ids:
        statement = select(Ticket.document).where(Ticket.ticket_no.in_(ids))
    if categories:
        statement = statement.where(Ticket.category.in_(categories))
    if open is not None:
        statement = statement.where(
            Ticket.status != "closed" if open else Ticket.status == "closed"
        )
    statement = statement.order_by(Ticket.created_at.desc()).limit(MAX_RECORDS)
    async with context.sessions() as session:
        documents = (await session.scalars(statement)).all()
    return [TicketView.model_validate(document) for document in documents]


async def service_request(context: AppContext, ticket_no: str) -> TicketView | None:
    async with context.sessions() as session:
        return await stored_ticket(session, ticket_no)
