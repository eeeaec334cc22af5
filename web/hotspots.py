"""Hot spots (热点分析) for supervisors and admins: tickets of a period by category and
district, the repeat requests (duplicates merged into an earlier ticket) in each cell, and
the list behind every cell."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Ticket
from schema.ticket import ClosureReason, Role
from web.base import ContextDep, UserDep, page, refused, require_role
from web.i18n import N_
from web.periods import PERIODS, PeriodQuery

router = APIRouter(include_in_schema=False)
READERS = (Role.SUPERVISOR, Role.ADMIN)
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


async def heat_table(session: AsyncSession, start: datetime, end: datetime) -> HeatTable:
    merged = case((Ticket.closure_reason == ClosureReason.MERGED.value, 1), else_=0)
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


@router.get("/hotspots")
async def hotspots(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, READERS, N_("热点分析只供督办人员和管理员查阅"))
    timezone = ZoneInfo(context.policy.timezone)
    shown: dict[str, Any] = {"periods": PERIODS, "query": None}
    try:
        query = PeriodQuery.model_validate(
            {k: v for k, v in request.query_params.items() if v.strip()}
        )
        start, end = query.bounds(timezone)
    except ValidationError as problem:
        return page(request, "hotspots.html", me, 422, error=refused(problem).message, **shown)
    except ValueError as problem:
        return page(request, "hotspots.html", me, 422, error=str(problem), **shown)
    async with context.sessions() as session:
        table = await heat_table(session, start, end)

    def cell_link(category: str, district: str) -> str:
        return "/tickets?" + urlencode(
            {
                "category": category,
                "district": district,
                "created_from": start.isoformat(),
                "created_to": end.isoformat(),
            }
        )

    return page(
        request,
        "hotspots.html",
        me,
        **{**shown, "query": query},
        table=table,
        start=start,
        end=end,
        tz=timezone,
        cell_link=cell_link,
    )
