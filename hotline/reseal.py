"""``hotline reseal``: every sealed column (``hotline.sealing``) sealed again with the first
key, every phone look-up hash recomputed. Run it after changing ``HOTLINE_ENCRYPTION_KEYS``;
it also seals any value still stored in clear."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.sealing import sealer
from schema.column_types import Sealed
from schema.tables import Base, Ticket

BATCH = 500


def sealed_columns() -> dict[type[Base], list[str]]:
    """Each table's sealed columns, by their type: a column sealed tomorrow is resealed too."""
    found = {}
    for mapper in Base.registry.mappers:
        names = [c.key for c in mapper.columns if isinstance(c.type, Sealed)]
        if names:
            found[mapper.class_] = names
    return found


async def reseal(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rewrite every sealed column; returns how many rows were rewritten, by table."""
    return {
        model.__tablename__: await _reseal_table(sessions, model, columns)
        for model, columns in sealed_columns().items()
    }


async def _reseal_table(
    sessions: async_sessionmaker[AsyncSession], model: type[Base], columns: list[str]
) -> int:
    keys = [column.name for column in model.__mapper__.primary_key]
    key_columns = [getattr(model, key) for key in keys]
    done, after = 0, None
    while True:
        async with sessions.begin() as session:
            query = select(*key_columns, *(getattr(model, c) for c in columns))
            if after is not None:
                query = query.where(tuple_(*key_columns) > tuple_(*after))
            # The column types open each value with whichever key sealed it (or read it in
            # clear); written again, it is sealed with the first key.
            found = await session.execute(query.order_by(*key_columns).limit(BATCH))
            rows = [dict(row) for row in found.mappings()]
            if model is Ticket:
                for row in rows:
                    row["phone_lookup"] = _phone_lookup(row["document"])
            if rows:
                await session.execute(update(model), rows)
        if len(rows) < BATCH:
            return done + len(rows)
        done += len(rows)
        after = tuple(rows[-1][key] for key in keys)


def _phone_lookup(document: dict[str, Any]) -> str:
    return sealer().phone_lookup(document["citizen"]["phone"])
