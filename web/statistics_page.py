"""Statistics (统计分析) for supervisors and admins: a period picker, every figure of
docs/statistics.md per lead department with the ranking by the composite, weights
adjustable on the page, a composite chart, and CSV / XLSX export. The figures are those
``GET /v1/stats`` returns for the same period and weights (the same function computes
both)."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field, ValidationError

from figures.statistics import MAX_WEIGHT, DepartmentFigures, Figures, Statistics, Weights
from schema.ticket import Role
from services.choices import catalogue_choices
from services.context import AppContext
from services.spreadsheets import PERCENT, csv_for_excel, xlsx
from services.statistics import period_statistics
from services.trend import city_trend
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, refused, require_role
from web.downloads import XLSX, csv_download, download
from web.i18n import N_, gettext_for
from web.periods import PERIODS, PeriodQuery, trend_bounds

router = APIRouter(include_in_schema=False)
READERS = (Role.SUPERVISOR, Role.ADMIN)  # as GET /v1/stats

# The columns of the ranking, in the order the page, the CSV and the XLSX show them.
METRICS = {
    "tickets": N_("工单数"),
    "handled": N_("办理数"),
    "closed": N_("办结数"),
    "overdue_now": N_("当前超时"),
    "response_rate": N_("响应率"),
    "closure_rate": N_("办结率"),
    "on_time_closure_rate": N_("按时办结率"),
    "resolution_rate": N_("解决率"),
    "satisfaction_rate": N_("满意率"),
    "first_time_resolution_rate": N_("一次性化解率"),
    "direct_answer_rate": N_("直接答复率"),
    "return_rate": N_("退单率"),
    "repeat_request_rate": N_("重复诉求率"),
    "supervised_resolution_rate": N_("督办件解决率"),
    "suspension_rate": N_("挂起率"),
    "suspended_days": N_("挂起天数"),
    "handed_back_by_110": N_("110退回件"),
    "reworked_to_satisfied": N_("重办转满意"),
    "rework_satisfaction_rate": N_("重办满意率"),
    "self_rated": N_("市民自评件"),
    "self_satisfaction_rate": N_("自评满意率"),
    "agent_satisfaction_rate": N_("话务回访满意率"),
    "missed_report_ins": N_("未按时报到"),
    "composite": N_("综合得分"),
}


# The rates the trend chart draws (all of them, and the composite), in percent.
TREND_RATES = [key for key in METRICS if key.endswith("_rate")] + ["composite"]


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


class StatisticsQuery(PeriodQuery):
    """The period and the composite's weights."""

    weight_response: Annotated[float, Field(ge=0, le=MAX_WEIGHT)] = Weights().response
    weight_resolution: Annotated[float, Field(ge=0, le=MAX_WEIGHT)] = Weights().resolution
    weight_satisfaction: Annotated[float, Field(ge=0, le=MAX_WEIGHT)] = Weights().satisfaction

    def weights(self) -> Weights:
        return Weights(
            response=self.weight_response,
            resolution=self.weight_resolution,
            satisfaction=self.weight_satisfaction,
        )


def _readers_only(me: SignedIn) -> None:
    require_role(me, READERS, N_("统计分析只供督办人员和管理员查阅"))


def _query(request: Request) -> StatisticsQuery:
    raw = {k: v for k, v in request.query_params.items() if v.strip()}
    return StatisticsQuery.model_validate(raw)


async def _figures(context: AppContext, query: StatisticsQuery) -> Statistics:
    period_from, period_to = query.bounds(ZoneInfo(context.policy.timezone))
    return await period_statistics(context, period_from, period_to, query.weights())


async def _trend(context: AppContext, query: StatisticsQuery) -> list[tuple[str, Figures]]:
    """The city's figures day by day (month by month over a long range)."""
    tz = ZoneInfo(context.policy.timezone)
    steps = trend_bounds(*query.bounds(tz), tz)
    trend = await city_trend(context, [instant for _, instant in steps], query.weights())
    return [(label, figures) for (label, _), figures in zip(steps, trend, strict=False)]


@router.get("/stats")
async def statistics_page(request: Request, me: UserDep, context: ContextDep) -> Response:
    _readers_only(me)
    names = (await catalogue_choices(context)).departments
    shown: dict[str, Any] = {
        "periods": PERIODS,
        "metrics": METRICS,
        "names": names,
        "tz": ZoneInfo(context.policy.timezone),
    }
    try:
        query = _query(request)
        # Two sweeps of the period, each on a connection of its own: side by side.
        figures, trend = await asyncio.gather(_figures(context, query), _trend(context, query))
    except ValidationError as problem:
        return page(
            request, "statistics.html", me, 422, error=refused(problem).message, query=None, **shown
        )
    except ValueError as problem:
        return page(request, "statistics.html", me, 422, error=str(problem), query=None, **shown)
    ranked = ranking(figures)
    return page(
        request,
        "statistics.html",
        me,
        query=query,
        figures=figures,
        ranked=ranked,
        trend=trend,
        **shown,
    )


def ranking(figures: Statistics) -> list[DepartmentFigures]:
    """Departments by rank; those without one (no composite) after, by code."""
    return sorted(figures.departments, key=lambda d: (d.rank is None, d.rank or 0, d.department))


def _rows(
    figures: Statistics, names: dict[str, str], city: str, with_units_under: str
) -> list[list[object]]:
    """The ranking, the whole city's figures, then each unit's rolled up over the units
    under it (those with tickets)."""
    rows: list[list[object]] = []
    for d in ranking(figures):
        values = d.model_dump()
        rows.append(
            [d.rank or "", names.get(d.department, d.department), *(values[m] for m in METRICS)]
        )
    overall = figures.overall.model_dump()
    rows.append(["", city, *(overall[m] for m in METRICS)])
    for unit in figures.rolled_up:
        if unit.tickets:
            name = with_units_under % {"unit": names.get(unit.department, unit.department)}
            rows.append(["", name, *(unit.model_dump()[m] for m in METRICS)])
    return rows


async def _figures_or_refused(
    request: Request, me: SignedIn, context: AppContext
) -> tuple[Statistics, dict[str, str]]:
    """The figures for a download or the chart, and the departments' names; a query that
    does not parse is refused (the page itself says so in place instead)."""
    _readers_only(me)
    try:
        figures = await _figures(context, _query(request))
    except ValidationError as problem:
        raise WebError(422, "invalid_input", refused(problem).message) from problem
    except ValueError as problem:
        raise WebError(422, "invalid_input", str(problem)) from problem
    names = (await catalogue_choices(context)).departments
    return figures, names


async def _export(
    request: Request, me: SignedIn, context: AppContext
) -> tuple[list[str], list[list[object]], str]:
    figures, names = await _figures_or_refused(request, me, context)
    _ = gettext_for(me.account.language)
    header = [_("排名"), _("单位"), *(_(label) for label in METRICS.values())]
    tz = ZoneInfo(context.policy.timezone)
    last_day = figures.period_to.astimezone(tz) - timedelta(days=1)
    span = f"{figures.period_from.astimezone(tz):%Y%m%d}-{last_day:%Y%m%d}"
    rows = _rows(figures, names, _("全市"), _("%(unit)s（含下级单位）"))
    return header, rows, f"statistics-{span}"


@router.get("/stats.csv")
async def statistics_csv(request: Request, me: UserDep, context: ContextDep) -> Response:
    header, rows, name = await _export(request, me, context)
    return csv_download(csv_for_excel(header, rows), f"{name}.csv")


@router.get("/stats.xlsx")
async def statistics_xlsx(request: Request, me: UserDep, context: ContextDep) -> Response:
    header, rows, name = await _export(request, me, context)
    rates = {2 + at: PERCENT for at, key in enumerate(METRICS) if key.endswith("_rate")}
    return download(xlsx("statistics", header, rows, rates), f"{name}.xlsx", XLSX)


@router.get("/stats/charts.json")
async def statistics_charts(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The composite by department, as the chart draws it (the ranking's own figures)."""
    figures, names = await _figures_or_refused(request, me, context)
    trend = await _trend(context, _query(request))
    _ = gettext_for(me.account.language)
    ranked = [d for d in ranking(figures) if d.composite is not None]
    days = [label for label, _figures in trend]
    return JSONResponse(
        {
            "trend": {
                "kind": "line",
                "labels": days,
                "series": {
                    _(METRICS[key]): [_percent(getattr(day, key)) for _label, day in trend]
                    for key in TREND_RATES
                },
            },
            "trend_tickets": {
                "labels": days,
                "values": [day.tickets for _label, day in trend],
                "integers": True,
            },
            "composite": {
                "title": _("综合得分"),
                "labels": [names.get(d.department, d.department) for d in ranked],
                "codes": [d.department for d in ranked],
                "values": [d.composite for d in ranked],
                "links": [f"/tickets?lead={d.department}" for d in ranked],
            },
            "period_from": figures.period_from.astimezone(UTC).isoformat(),
            "period_to": figures.period_to.astimezone(UTC).isoformat(),
        }
    )
