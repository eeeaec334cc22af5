"""``hotline reseal``: every stored citizen sealed with the first key, every look-up hash
recomputed (``hotline.sealing``). Run it after changing ``HOTLINE_ENCRYPTION_KEYS``, and
once after upgrading from a version that stored citizens in clear."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.attributes import flag_modified

from hotline.sealing import sealer
from schema.tables import Ticket

BATCH = 500


async def reseal(sessions: async_sessionmaker[AsyncSession]) -> int:
    """Rewrite every ticket's document and look-up hash; returns how many were rewritten."""
    done, after = 0, ""
    while True:
        async with sessions.begin() as session:
            tickets = list(
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.ticket_no > after)
                    .order_by(Ticket.ticket_no)
                    .limit(BATCH)
                )
            )
            for ticket in tickets:
                # The column type opened it with whichever key sealed it; written again,
                # it is sealed with the first key.
                flag_modified(ticket, "document")
                ticket.phone_lookup = sealer().phone_lookup(ticket.document["citizen"]["phone"])
        if not tickets:
            return done
        done += len(tickets)
        after = tickets[-1].ticket_no
