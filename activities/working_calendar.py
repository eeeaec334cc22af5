"""Working-day arithmetic on the Chinese public-holiday calendar (make-up days included).

``chinese-calendar`` knows each year once the State Council publishes it (usually in
November for the next year). For a year it does not know yet, Monday to Friday count
as working days and a warning is logged; the operator can declare the real holidays
and make-up working days in the policy file (``[calendar]``) until the library knows.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import structlog

from schema.policy import CalendarOverrides, SpanUnit, natural_timedelta, parse_span

log = structlog.get_logger(__name__)


class WorkingCalendar:
    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        overrides = overrides or CalendarOverrides()
        self._holidays = frozenset(overrides.holidays)
        self._workdays = frozenset(overrides.workdays)
        self._warned_years: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                log.warning(
                    "holiday calendar unknown for year; counting Monday to Friday", year=day.year
                )
            return day.weekday() < 5

    def add_working_days(self, start: datetime, count: int) -> datetime:
        """The same local time of day on the ``count``-th working day after ``start``'s day."""
        day = start.date()
        counted = 0
        while counted < count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, start.timetz())


def add_span(start: datetime, span: str, timezone: str, calendar: WorkingCalendar) -> datetime:
    """``start`` plus a policy duration; working days are counted in the policy's time zone."""
    natural = natural_timedelta(span)
    if natural is not None:
        return start + natural
    amount, unit = parse_span(span)
    assert unit is SpanUnit.WORKING_DAYS
    local = start.astimezone(ZoneInfo(timezone))
    return calendar.add_working_days(local, amount).astimezone(UTC)
