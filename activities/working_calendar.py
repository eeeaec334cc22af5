"""The Chinese public-holiday calendar (make-up days included), recorded as sheets.

``chinese-calendar`` knows each year once the State Council publishes it (usually in
November for the next year). For a year it does not know yet, the statutory holidays
are derived from the national regulation (``statutory_holidays``), the other days follow
Monday to Friday, and a warning says that the notice's make-up working days (调休) are
unknown: the operator declares them in the policy file (``[calendar]``) until the
library knows.
Workflows never read this: they compute on the ``WorkingDaySheet`` it records.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import structlog

from activities.statutory_holidays import FIRST_YEAR, statutory_holidays
from schema.policy import CalendarOverrides
from schema.working_days import WorkingDaySheet

log = structlog.get_logger(__name__)
_WARNED_YEARS: set[int] = set()  # one warning per unknown year per process, not per ticket


class WorkingCalendar:
    def __init__(self, overrides: CalendarOverrides | None = None) -> None:
        overrides = overrides or CalendarOverrides()
        self._holidays = frozenset(overrides.holidays)
        self._workdays = frozenset(overrides.workdays)
        self._guessed_years: set[int] = set()

    def is_working_day(self, day: date) -> bool:
        if day in self._holidays:
            return False
        if day in self._workdays:
            return True
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            return self._derived(day)

    def _derived(self, day: date) -> bool:
        self._guessed_years.add(day.year)
        if day.year not in _WARNED_YEARS:
            _WARNED_YEARS.add(day.year)
            log.warning(
                "holiday calendar not published for year: statutory holidays derived from "
                "the regulation; make-up working days unknown, declare them in [calendar]",
                year=day.year,
            )
        if day.year >= FIRST_YEAR and day in statutory_holidays(day.year):
            return False
        return day.weekday() < 5

    def sheet(self, first: date, last: date) -> WorkingDaySheet:
        """The days from ``first`` to ``last`` that break the Monday-to-Friday rule."""
        holidays: list[date] = []
        workdays: list[date] = []
        day = first
        while day <= last:
            working = self.is_working_day(day)
            if day.weekday() < 5 and not working:
                holidays.append(day)
            elif day.weekday() >= 5 and working:
                workdays.append(day)
            day += timedelta(days=1)
        guessed = sorted(y for y in self._guessed_years if first.year <= y <= last.year)
        return WorkingDaySheet(
            first=first, last=last, holidays=holidays, workdays=workdays, guessed_years=guessed
        )
