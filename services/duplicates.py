"""Likely duplicates of a new request (并单 candidates), for the agent to merge or not.

Same category and district, still open, registered recently, and a description that
reads alike (difflib's ratio on the text without spaces and punctuation, which works
for Chinese and Latin script alike).
"""

from __future__ import annotations

import difflib
import re
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hotline.settings import Settings
from schema.tables import Ticket
from schema.ticket import LikelyDuplicate, TicketStatus

_NOISE = re.compile(r"[\W_]+", re.UNICODE)


def similarity(first: str, second: str) -> float:
    a, b = _NOISE.sub("", first.lower()), _NOISE.sub("", second.lower())
    return round(difflib.SequenceMatcher(None, a, b).ratio(), 3) if a and b else 0.0


async def likely_duplicates(
    session: AsyncSession,
    settings: Settings,
    *,
    ticket_no: str,
    category: str,
    district: str,
    description: str,
    at: datetime,
    limit: int = 50,
) -> list[LikelyDuplicate]:
    """Open tickets registered within the settings' window before ``at`` that read alike
    at least as much as the settings' threshold; likeliest first."""
    since = at - timedelta(days=settings.duplicate_window_days)
    threshold = settings.duplicate_similarity
    rows = await session.execute(
        select(Ticket.ticket_no, Ticket.status, Ticket.created_at, Ticket.document)
        .where(
            Ticket.category == category,
            Ticket.district == district,
            Ticket.status != "closed",
            Ticket.created_at >= since,
            Ticket.ticket_no != ticket_no,
        )
        .order_by(Ticket.created_at.desc())
        .limit(limit)
    )
    found = [
        LikelyDuplicate(
            ticket_no=no,
            status=TicketStatus(status),
            created_at=created,
            similarity=similarity(description, document["description"]),
        )
        for no, status, created, document in rows
    ]
    return sorted((d for d in found if d.similarity >= threshold), key=lambda d: -d.similarity)
