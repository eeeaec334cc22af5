"""Hotline statistics for supervisors (docs/statistics.md)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query

from api.deps import ContextDep, require_roles
from figures.statistics import MAX_WEIGHT, Statistics, Weights, ranked_statistics
from figures.ticket_facts import department_counts, missed_report_ins
from schema.body import out_of_day_range
from schema.ticket import Actor, Role
from services import hierarchy
from services.errors import ServiceError, require_offsets

router = APIRouter(prefix="/v1", tags=["statistics"])

SupervisorDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]


_PLUS_AS_SPACE = re.compile(r"\d \d{2}:?\d{2}$")


def city_instant(text: str, name: str, timezone: str) -> datetime:
    """An instant from a query: ISO 8601 with an offset, or a plain date meaning that
    day's midnight in the city; in the range every request's days keep to."""
    try:
        if len(text) == 10:
            instant = datetime.combine(date.fromisoformat(text), time(), ZoneInfo(timezone))
        else:
            instant = datetime.fromisoformat(text)
    except ValueError:
        if _PLUS_AS_SPACE.search(text):
            raise ServiceError(
                422,
                "invalid_input",
                f"'{name}': a '+' in a query string arrives as a space; send it as %2B, "
                "or give the time in UTC with Z",
            ) from None
        raise ServiceError(
            422, "invalid_input", f"'{name}': expected a date (2026-11-01) or an ISO instant"
        ) from None
    require_offsets(**{name: instant})
    problem = out_of_day_range(instant)
    if problem is not None:
        raise ServiceError(422, "invalid_input", f"'{name}': {problem}")
    return instant


def this_month(timezone: str) -> tuple[datetime, datetime]:
    now = datetime.now(ZoneInfo(timezone))
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following


@router.get("/stats", response_model=Statistics)
async def get_statistics(
    _: SupervisorDep,
    context: ContextDep,
    from_text: Annotated[
        str | None,
        Query(
            alias="from",
            max_length=40,
            description="inclusive: an ISO instant with offset, or a date in city time; "
            "default the first of this month",
        ),
    ] = None,
    to_text: Annotated[
        str | None,
        Query(
            alias="to",
            max_length=40,
            description="exclusive, the same way; default the first of next month",
        ),
    ] = None,
    weight_response: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().response,
    weight_resolution: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().resolution,
    weight_satisfaction: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().satisfaction,
) -> Statistics:
    """Figures per lead department and overall for tickets created in [from, to); this
    month in city time when no period is given."""
    timezone = context.policy.timezone
    period_from, period_to = this_month(timezone)
    if from_text is not None:
        period_from = city_instant(from_text, "from", timezone)
    if to_text is not None:
        period_to = city_instant(to_text, "to", timezone)
    if period_to <= period_from:
        raise ServiceError(422, "invalid_input", "'to' must come after 'from'")
    weights = Weights(
        response=weight_response, resolution=weight_resolution, satisfaction=weight_satisfaction
    )
    return await period_statistics(context, period_from, period_to, weights)


async def period_statistics(
    context: ContextDep, period_from: datetime, period_to: datetime, weights: Weights
) -> Statistics:
    """The figures of tickets created in [period_from, period_to): the API's and the page's."""
    async with context.sessions() as session:
        counts = await department_counts(session, created_from=period_from, created_to=period_to)
        absences = await missed_report_ins(session, raised_from=period_from, raised_to=period_to)
        tree = await hierarchy.parents(session)
    return ranked_statistics(
        counts,
        period_from=period_from,
        period_to=period_to,
        weights=weights,
        missed_report_ins=absences,
        parents=tree,
    )
