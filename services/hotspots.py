"""Hot spots (热点分析): a period's tickets by category and district, the repeat requests
(duplicates merged into an earlier ticket) in each cell, and each cell's share of the
busiest as a shade."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from schema.tables import Ticket
from schema.ticket import ClosureReason
from services.context import AppContext

HEAT_LEVELS = 5  # the shades a cell takes, from its share of the busiest cell


@dataclass(frozen=True)
class Cell:
    tickets: int
    repeats: int  # merged into an earlier ticket as duplicates
    heat: int  # 0 … HEAT_LEVELS


@dataclass(frozen=True)
class HeatTable:
    districts: list[str]
    rows: list[tuple[str, int, dict[str, Cell]]]  # category, its total, cells by district


async def heat_table(context: AppContext, start: datetime, end: datetime) -> HeatTable:
    """Tickets created in [start, end), busiest category first."""
    merged = case((Ticket.closure_reason == ClosureReason.MERGED.value, 1), else_=0)
    async with context.sessions() as session:
        found = (
            await session.execute(
                select(Ticket.category, Ticket.district, func.count(), func.sum(merged))
                .where(Ticket.created_at >= start, Ticket.created_at < end)
                .group_by(Ticket.category, Ticket.district)
            )
        ).all()
    busiest = max((count for _, _, count, _ in found), default=0)
    cells: dict[str, dict[str, Cell]] = {}
    for category, district, count, repeats in found:
        heat = -(-count * HEAT_LEVELS // busiest) if busiest else 0
        cells.setdefault(category, {})[district] = Cell(count, int(repeats or 0), heat)
    totals = {category: sum(c.tickets for c in row.values()) for category, row in cells.items()}
    rows = [(c, totals[c], cells[c]) for c in sorted(cells, key=lambda c: (-totals[c], c))]
    return HeatTable(sorted({district for _, district, _, _ in found}), rows)
