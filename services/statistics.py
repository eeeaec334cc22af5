"""The hotline's figures for a period: the API's and the statistics page's."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from figures.message_facts import message_figures
from figures.statistics import Statistics, Weights, ranked_statistics
from figures.ticket_facts import department_counts, missed_report_ins
from schema.body import out_of_day_range
from services import hierarchy
from services.context import AppContext
from services.errors import ServiceError, require_offsets

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


async def period_statistics(
    context: AppContext, period_from: datetime, period_to: datetime, weights: Weights
) -> Statistics:
    """The figures of tickets created in [period_from, period_to): the API's and the page's."""
    async with context.sessions() as session:
        counts = await department_counts(session, created_from=period_from, created_to=period_to)
        absences = await missed_report_ins(session, raised_from=period_from, raised_to=period_to)
        tree = await hierarchy.parents(session)
        messages = await message_figures(session, queued_from=period_from, queued_to=period_to)
    ranked = ranked_statistics(
        counts,
        period_from=period_from,
        period_to=period_to,
        weights=weights,
        missed_report_ins=absences,
        parents=tree,
    )
    return ranked.model_copy(update={"messages": messages})
