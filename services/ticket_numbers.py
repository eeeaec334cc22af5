"""Ticket numbers and intake idempotency, shared by every API replica through the database.

A number is ``<prefix><YYYYMMDD>-<6-digit daily sequence>`` in the city's time zone,
e.g. ``20261121-000042``. The daily counter is bumped by one atomic upsert, so
replicas never hand out the same number, and a restart carries on from the database.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.database import insert_for
from schema.tables import IntakeKey, TicketCounter


async def find_by_key(
    sessions: async_sessionmaker[AsyncSession], key: str
) -> tuple[str, str | None] | None:
    """The ticket a (scoped) intake key made, and the fingerprint of the request it came with."""
    async with sessions() as session:
        found = await session.execute(
            select(IntakeKey.ticket_no, IntakeKey.fingerprint).where(IntakeKey.key == key)
        )
        row = found.first()
    return (row[0], row[1]) if row is not None else None


async def allocate(
    sessions: async_sessionmaker[AsyncSession],
    *,
    timezone: str,
    prefix: str = "",
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
) -> tuple[str, bool, str | None]:
    """A new ticket number, or the one already bound to ``idempotency_key`` (scoped).

    Returns ``(ticket_no, created, fingerprint)``; ``created`` is False when a concurrent
    request with the same key won the race, and the fingerprint is then that request's.
    """
    now = datetime.now(UTC)
    day = now.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d")
    try:
        async with sessions.begin() as session:
            bump = insert_for(session, TicketCounter).values(day=day, last_value=1)
            bump = bump.on_conflict_do_update(
                index_elements=[TicketCounter.day],
                set_={"last_value": TicketCounter.last_value + 1},
            ).returning(TicketCounter.last_value)
            sequence = (await session.execute(bump)).scalar_one()
            ticket_no = f"{prefix}{day}-{sequence:06d}"
            if idempotency_key is not None:
                session.add(
                    IntakeKey(
                        key=idempotency_key,
                        ticket_no=ticket_no,
                        fingerprint=fingerprint,
                        created_at=now,
                    )
                )
        return ticket_no, True, fingerprint
    except IntegrityError:
        if idempotency_key is None:
            raise
        existing = await find_by_key(sessions, idempotency_key)
        if existing is None:
            raise
        return existing[0], False, existing[1]
