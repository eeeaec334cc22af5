"""Hot spots (热点分析) for supervisors and admins: tickets of a period by category and
district, the repeat requests (duplicates merged into an earlier ticket) in each cell, and
the list behind every cell."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from schema.ticket import Role
from services.choices import catalogue_choices
from services.hotspots import heat_table
from web.base import ContextDep, UserDep, page, refused, require_role
from web.i18n import N_
from web.periods import PERIODS, PeriodQuery

router = APIRouter(include_in_schema=False)
READERS = (Role.SUPERVISOR, Role.ADMIN)


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
    table = await heat_table(context, start, end)
    choices = await catalogue_choices(context)

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
        choices=choices,
    )
