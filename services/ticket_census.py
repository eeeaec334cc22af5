"""How many tickets stand at each status and escalation level in the read model: the
operators' gauge (``/metrics``), counted by the database, never by reading tickets."""

from __future__ import annotations

from sqlalchemy import func, select

from schema.tables import Ticket
from services.context import AppContext


async def tickets_by_status_and_level(context: AppContext) -> dict[tuple[str, int], int]:
    """(status, escalation level) → tickets; a pair no ticket has is left out."""
    async with context.sessions() as session:
        counts = await session.execute(
            select(Ticket.status, Ticket.escalation_level, func.count()).group_by(
                Ticket.status, Ticket.escalation_level
            )
        )
        return {(status, level): count for status, level, count in counts}
