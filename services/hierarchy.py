"""The hierarchy of units in the catalogue (二级派单): which units are under which.

A unit sees the tickets of every unit under it, passes tickets down only to units under
it, and its statistics roll up theirs. The catalogue is small (hundreds of units), so
the whole tree is read at once and walked in memory.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Department

Parents = Mapping[str, str | None]

# Any fixed number: the PostgreSQL advisory lock that places units one move at a time.
_MOVES_LOCK = 12345_0014


async def serialise_moves(session: AsyncSession) -> None:
    """Hold, until this transaction ends, the lock that every change of a unit's parent
    takes before it reads the tree, so that two concurrent moves (A under B, B under A)
    cannot each check the tree the other is changing and leave a cycle.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: a write that changes nothing,
    which opens the transaction and takes the database's write lock at once (a read alone
    would not, and the check would read the tree as it was before the other move).
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MOVES_LOCK})
    else:
        await session.execute(
            update(Department).where(Department.code.is_(None)).values(parent=Department.parent)
        )


async def parents(session: AsyncSession) -> dict[str, str | None]:
    """Every unit's parent (None at the top), retired units included: their tickets remain."""
    rows = await session.execute(select(Department.code, Department.parent))
    return {code: parent for code, parent in rows}


def ancestors(tree: Parents, code: str) -> list[str]:
    """The units above ``code``, nearest first. A cycle, which the catalogue refuses but an
    older version may have stored, ends the walk where it closes."""
    found: list[str] = []
    above = tree.get(code)
    while above is not None and above not in found and above != code:
        found.append(above)
        above = tree.get(above)
    return found


def under(tree: Parents, code: str) -> frozenset[str]:
    """``code`` and every unit below it, at any depth."""
    return frozenset(unit for unit in tree if unit == code or code in ancestors(tree, unit))


async def units_under(session: AsyncSession, code: str) -> frozenset[str]:
    return under(await parents(session), code)
