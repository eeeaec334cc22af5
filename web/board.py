"""The supervision board (督办看板) for supervisors and city leaders: its page, the part
that refreshes by itself, and the JSON its charts are drawn from."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.deps import AppContext, ContextDep
from schema.ticket import Role
from web.base import UserDep, WebError, page
from web.board_figures import BoardFigures, ChartFigures, board_figures, chart_figures
from web.choices import catalogue_choices
from web.i18n import N_, gettext_for
from web.sessions import SignedIn

router = APIRouter(include_in_schema=False)
BOARD_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def _supervisors_only(me: SignedIn) -> None:
    if me.account.role not in BOARD_ROLES:
        raise WebError(403, "forbidden", N_("督办看板只供督办人员和管理员使用"))


async def _figures(context: AppContext) -> tuple[BoardFigures, dict[str, str]]:
    timezone = ZoneInfo(context.policy.timezone)
    async with context.sessions() as session:
        figures = await board_figures(session, datetime.now(UTC), timezone)
        names = (await catalogue_choices(session)).departments
    return figures, names


async def _charts(context: AppContext) -> tuple[ChartFigures, dict[str, str]]:
    timezone = ZoneInfo(context.policy.timezone)
    async with context.sessions() as session:
        figures = await chart_figures(session, datetime.now(UTC), timezone)
        names = (await catalogue_choices(session)).departments
    return figures, names


def tickets_link(**filters: object) -> str:
    """The ticket list behind a number."""
    return "/tickets?" + urlencode(
        {k: str(v).lower() if isinstance(v, bool) else v for k, v in filters.items()}
    )


def hour_link(figures: ChartFigures, hour: int) -> str:
    start = figures.day_start + timedelta(hours=hour)
    end = start + timedelta(hours=1)
    return tickets_link(created_from=start.isoformat(), created_to=end.isoformat())


@router.get("/board")
async def board(request: Request, me: UserDep, context: ContextDep) -> Response:
    _supervisors_only(me)
    figures, names = await _figures(context)
    return page(
        request,
        "board.html",
        me,
        figures=figures,
        names=names,
        tickets_link=tickets_link,
        hour_link=hour_link,
    )


@router.get("/board/figures")
async def board_fragment(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The figures alone, for htmx to refresh every 30 seconds."""
    _supervisors_only(me)
    figures, names = await _figures(context)
    return page(
        request,
        "board_figures.html",
        me,
        figures=figures,
        names=names,
        tickets_link=tickets_link,
        hour_link=hour_link,
    )


@router.get("/board/charts.json")
async def board_charts(me: UserDep, context: ContextDep) -> Response:
    """What the board's charts draw: the same figures as its tables, with where each bar leads."""
    _supervisors_only(me)
    figures, names = await _charts(context)
    _ = gettext_for(me.account.language)
    return JSONResponse(
        {
            "overdue_by_lead": {
                "title": _("超时工单（按主办单位）"),
                "integers": True,
                "labels": [names.get(code, code) for code, _count in figures.overdue_by_lead],
                "values": [count for _code, count in figures.overdue_by_lead],
                "links": [
                    tickets_link(open=True, overdue=True, lead=code)
                    for code, _count in figures.overdue_by_lead
                ],
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
