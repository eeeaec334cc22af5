"""The supervision board (督办看板) for supervisors and city leaders: its page, the part
that refreshes by itself, and the JSON its charts are drawn from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from schema.ticket import Role, TicketStatus
from services.board import CENTRE, ChartFigures, board_figures, chart_figures
from services.choices import catalogue_choices
from services.context import AppContext
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, page, require_role
from web.i18n import N_, gettext_for

router = APIRouter(include_in_schema=False)
BOARD_ROLES = (Role.SUPERVISOR, Role.ADMIN)
F = TypeVar("F")
CENTRE_NAME = N_("12345 中心（待派单）")


def _supervisors_only(me: SignedIn) -> None:
    require_role(me, BOARD_ROLES, N_("督办看板只供督办人员和管理员使用"))


async def _read(
    context: AppContext, figures_of: Callable[[AppContext, datetime], Awaitable[F]]
) -> tuple[F, dict[str, str]]:
    """Figures (the whole board's, or its charts') and the departments' names."""
    figures = await figures_of(context, datetime.now(UTC))
    return figures, (await catalogue_choices(context)).departments


def tickets_link(**filters: object) -> str:
    """The ticket list behind a number."""
    return "/tickets?" + urlencode(
        {k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.items()}
    )


def overdue_link(lead: str) -> str:
    """The open overdue tickets a department leads, or (the centre) those not dispatched."""
    if lead == CENTRE:
        return tickets_link(open=True, overdue=True, status=TicketStatus.RECEIVED.value)
    return tickets_link(open=True, overdue=True, lead=lead)


def _with_centre(names: dict[str, str], me: SignedIn) -> dict[str, str]:
    return {CENTRE: gettext_for(me.account.language)(CENTRE_NAME), **names}


def hour_link(figures: ChartFigures, hour: int) -> str:
    start = figures.day_start + timedelta(hours=hour)
    end = start + timedelta(hours=1)
    return tickets_link(created_from=start.isoformat(), created_to=end.isoformat())


async def _render(request: Request, me: SignedIn, context: AppContext, template: str) -> Response:
    _supervisors_only(me)
    figures, names = await _read(context, board_figures)
    links: dict[str, Any] = {
        "tickets_link": tickets_link,
        "overdue_link": overdue_link,
        "hour_link": hour_link,
    }
    names = _with_centre(names, me)
    ratio = context.policy.warning_ratio
    return page(request, template, me, figures=figures, names=names, warning_ratio=ratio, **links)


@router.get("/board")
async def board(request: Request, me: UserDep, context: ContextDep) -> Response:
    return await _render(request, me, context, "board.html")


@router.get("/board/figures")
async def board_fragment(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The figures alone, for htmx to refresh every 30 seconds."""
    return await _render(request, me, context, "board_figures.html")


@router.get("/board/charts.json")
async def board_charts(me: UserDep, context: ContextDep) -> Response:
    """What the board's charts draw: the same figures as its tables, with where each bar leads."""
    _supervisors_only(me)
    figures, names = await _read(context, chart_figures)
    names = _with_centre(names, me)
    _ = gettext_for(me.account.language)
    return JSONResponse(
        {
            "overdue_by_lead": {
                "title": _("超时工单（按主办单位）"),
                "integers": True,
                "labels": [names.get(code, code) for code, _count in figures.overdue_by_lead],
                "values": [count for _code, count in figures.overdue_by_lead],
                "links": [overdue_link(code) for code, _count in figures.overdue_by_lead],
            },
            "intake_by_hour": {
                "title": _("今日受理（按小时）"),
                "integers": True,
                "labels": [f"{h:02d}" for h in range(24)],
                "series": {
                    _("今日"): figures.intake_today,
                    _("上周同日"): figures.intake_week_before,
                },
                "links": [hour_link(figures, h) for h in range(24)],
            },
        }
    )
