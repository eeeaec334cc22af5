"""A caller's earlier tickets, found by the keyed hash of the phone number (never by the
number itself, which the read model keeps sealed), for the agent taking a new call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from hotline.sealing import sealer
from schema.tables import Ticket
from services.context import AppContext

EARLIER_SHOWN = 10  # the newest; the search has them all


@dataclass(frozen=True)
class EarlierTicket:
    ticket_no: str
    status: str
    category: str
    district: str


async def earlier_tickets(context: AppContext, phone: str) -> list[EarlierTicket]:
    """The tickets registered from this number, newest first."""
    async with context.sessions() as session:
        rows = await session.execute(
            select(Ticket.ticket_no, Ticket.status, Ticket.category, Ticket.district)
            .where(Ticket.phone_lookup == sealer().phone_lookup(phone))
            .order_by(Ticket.created_at.desc())
            .limit(EARLIER_SHOWN)
        )
        return [EarlierTicket(*row) for row in rows]
