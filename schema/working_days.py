"""Working-day arithmetic on a recorded sheet of the holiday calendar.

A ticket's deadlines count working days on the Chinese public-holiday calendar, which
changes once a year when the State Council publishes the next one. So that a workflow
can compute its due instants itself, and replay them identically whatever the calendar
says later, an activity records the calendar once as a ``WorkingDaySheet``: for a range
of days, the weekdays that are holidays and the weekend days that are make-up working
days. Everything else in the range follows Monday to Friday.

Pure (no I/O, no clock): workflows and activities share this arithmetic.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from schema.policy import SpanUnit, natural_timedelta, parse_span


class DueItem(BaseModel):
    """One instant to compute: ``span`` after ``start``, or after an earlier item's result."""

    key: str
    span: str
    start: datetime | None = None
    after: str | None = None


# How many days a sheet covers from its first day. A ticket rarely needs more; when one
# does, the workflow records a further sheet (``SheetTooShort``).
SHEET_DAYS = 400


class SheetTooShort(Exception):
    """A working-day count ran past the sheet's last day: record a longer sheet."""

    def __init__(self, needed: date) -> None:
        super().__init__(f"the working-day sheet ends before {needed.isoformat()}")
        self.needed = needed


class WorkingDaySheet(BaseModel):
    first: date
    last: date
    holidays: list[date] = Field(default_factory=list)  # Monday–Friday days off
    workdays: list[date] = Field(default_factory=list)  # Saturday/Sunday make-up days
    # Years the calendar did not know when the sheet was recorded (Monday to Friday).
    guessed_years: list[int] = Field(default_factory=list)

    def is_working_day(self, day: date) -> bool:
        if not self.first <= day <= self.last:
            raise SheetTooShort(day)
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def add_working_days(self, start: datetime, count: int) -> datetime:
        """The same local time of day on the ``count``-th working day after ``start``'s day."""
        day = start.date()
        counted = 0
        while counted < count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return datetime.combine(day, start.timetz())


def extended(sheet: WorkingDaySheet, needed: date) -> tuple[date, date]:
    """The first and last day of a sheet that covers ``sheet`` and ``needed``, with a
    sheet's length to spare after it."""
    return min(sheet.first, needed), max(sheet.last, needed + timedelta(days=SHEET_DAYS))


def add_span(start: datetime, span: str, timezone: str, sheet: WorkingDaySheet) -> datetime:
    """``start`` plus a policy duration; working days are counted in the policy's time zone."""
    natural = natural_timedelta(span)
    if natural is not None:
        return start + natural
    amount, unit = parse_span(span)
    assert unit is SpanUnit.WORKING_DAYS
    local = start.astimezone(ZoneInfo(timezone))
    return sheet.add_working_days(local, amount).astimezone(UTC)


def due_instants(
    items: list[DueItem], timezone: str, sheet: WorkingDaySheet
) -> dict[str, datetime]:
    """Each item's instant, in order; an item may start from an earlier item's instant."""
    instants: dict[str, datetime] = {}
    for item in items:
        start = instants[item.after] if item.after else item.start
        if start is None:
            raise ValueError(f"due item {item.key!r} has no start")
        instants[item.key] = add_span(start, item.span, timezone, sheet)
    return instants
