"""The periods a supervisor picks on the statistics page, as instants in the city: today,
this week (from Monday), the ten-day bulletin period (上/中/下旬: 1–10, 11–20, 21–end),
this month and last month. Each is [start, end)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from schema.body import BoundedDate
from web.i18n import N_

PERIODS = {
    "today": N_("今日"),
    "week": N_("本周"),
    "decade": N_("本旬"),
    "month": N_("本月"),
    "last_month": N_("上月"),
}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def period_days(name: str, today: date) -> tuple[date, date]:
    """The period's first day and the day after its last."""
    if name == "today":
        return today, today + timedelta(days=1)
    if name == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=7)
    if name == "decade":
        first = today.replace(day=1 if today.day <= 10 else 11 if today.day <= 20 else 21)
        end = first + timedelta(days=10) if first.day < 21 else _next_month(today)
        return first, end
    if name == "month":
        return _month_start(today), _next_month(today)
    if name == "last_month":
        start = _month_start(_month_start(today) - timedelta(days=1))
        return start, _month_start(today)
    raise ValueError(f"no period '{name}'")


def instants(first: date, end: date, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime.combine(first, time(), timezone), datetime.combine(end, time(), timezone)


class PeriodQuery(BaseModel):
    """A page's period: a named one, or a range of days."""

    model_config = ConfigDict(populate_by_name=True)

    period: Literal["today", "week", "decade", "month", "last_month", "range"] = "month"
    first_day: Annotated[BoundedDate | None, Field(alias="from")] = None
    last_day: Annotated[BoundedDate | None, Field(alias="to")] = None  # inclusive, as people say

    def bounds(self, timezone: ZoneInfo) -> tuple[datetime, datetime]:
        if self.period != "range":
            return instants(*period_days(self.period, datetime.now(timezone).date()), timezone)
        if self.first_day is None or self.last_day is None:
            raise ValueError("a range needs both its first and its last day")
        if self.last_day < self.first_day:
            raise ValueError("the last day comes before the first")
        return instants(self.first_day, self.last_day + timedelta(days=1), timezone)

    def as_query(self) -> str:
        kept = self.model_dump(by_alias=True, exclude_none=True, mode="json")
        return urlencode(kept)


DAILY_UP_TO = 93  # days; a longer range is shown month by month


def trend_bounds(start: datetime, end: datetime, timezone: ZoneInfo) -> list[tuple[str, datetime]]:
    """The trend's steps across [start, end), each with its label, and the end: days (each
    a city day), or months for a range longer than a quarter."""
    first, last = start.astimezone(timezone).date(), end.astimezone(timezone).date()
    if (last - first).days <= DAILY_UP_TO:
        days = [first + timedelta(days=n) for n in range((last - first).days)]
        steps = [(day.strftime("%m-%d"), day) for day in days]
    else:
        months, month = [first], _next_month(first)
        while month < last:
            months.append(month)
            month = _next_month(month)
        steps = [(day.strftime("%Y-%m"), day) for day in months]
    marks = [(label, datetime.combine(day, time(), timezone)) for label, day in steps]
    return [*marks, ("", end)]
