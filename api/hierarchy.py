"""The hierarchy of units in the catalogue (二级派单): which units are under which.

A unit sees the tickets of every unit under it, passes tickets down only to units under
it, and its statistics roll up theirs. The catalogue is small (hundreds of units), so
the whole tree is read at once and walked in memory.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Department

Parents = Mapping[str, str | None]


async def parents(session: AsyncSession) -> dict[str, str | None]:
    """Every unit's parent (None at the top), retired units included: their tickets remain."""
    rows = await session.execute(select(Department.code, Department.parent))
    return {code: parent for code, parent in rows}


def ancestors(tree: Parents, code: str) -> list[str]:
    """The units above ``code``, nearest first (a cycle, which the catalogue refuses, stops)."""
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
