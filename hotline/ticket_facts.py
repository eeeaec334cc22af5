"""What statistics and reports read of each ticket: its final view and its timeline's facts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hotline.statistics import TicketFacts
from schema.escalation import EscalationKind
from schema.tables import StoredEscalation, Ticket, TicketEvent
from schema.ticket import TicketView


async def ticket_facts(
    session: AsyncSession, *, created_from: datetime, created_to: datetime
) -> list[TicketFacts]:
    """Tickets created in the period with what their timelines say about deadlines."""
    documents = (
        await session.scalars(
            select(Ticket.document).where(
                Ticket.created_at >= created_from, Ticket.created_at < created_to
            )
        )
    ).all()
    tickets = {doc["ticket_no"]: TicketView.model_validate(doc) for doc in documents}
    missed: dict[str, set[str]] = {no: set() for no in tickets}
    answered: set[str] = set()
    for chunk in _chunks(list(tickets), 500):
        events = await session.execute(
            select(TicketEvent.ticket_no, TicketEvent.action, TicketEvent.detail).where(
                TicketEvent.ticket_no.in_(chunk),
                TicketEvent.action.in_(["reminder", "answered"]),
            )
        )
        for ticket_no, action, detail in events:
            if action == "answered":
                answered.add(ticket_no)
            else:
                missed[ticket_no].add(str(detail.get("step")))
    return [
        TicketFacts(
            ticket=ticket,
            missed_sign="sign" in missed[no],
            missed_reply="reply" in missed[no],
            answered_on_the_spot=no in answered,
        )
        for no, ticket in tickets.items()
    ]


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


async def missed_report_ins(
    session: AsyncSession, *, raised_from: datetime, raised_to: datetime
) -> dict[str, int]:
    """Per department, the joint-meeting report-ins it missed in the period."""
    rows = await session.execute(
        select(StoredEscalation.department, func.count())
        .where(
            StoredEscalation.kind == EscalationKind.MISSED_REPORT_IN.value,
            StoredEscalation.raised_at >= raised_from,
            StoredEscalation.raised_at < raised_to,
            StoredEscalation.department.is_not(None),
        )
        .group_by(StoredEscalation.department)
    )
    return {str(department): int(count) for department, count in rows}
