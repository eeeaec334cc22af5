"""Working-day maths on the real 2025-2026 holiday calendar, make-up working days included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
from structlog.testing import capture_logs

from activities import working_calendar
from activities.statutory_holidays import statutory_holidays
from activities.working_calendar import WorkingCalendar
from schema.policy import CalendarOverrides
from schema.working_days import WorkingDaySheet, add_span

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sheet(calendar: WorkingCalendar) -> WorkingDaySheet:
    """The calendar as a workflow sees it: recorded for the years these tests reach."""
    return calendar.sheet(date(2025, 1, 1), date(2031, 12, 31))


def local(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # National Day and Mid-Autumn, 2025
        (date(2025, 9, 28), True),  # Sunday, make-up working day
        (date(2025, 10, 11), True),  # Saturday, make-up working day
        (date(2026, 2, 14), True),  # Saturday before Spring Festival, make-up day
        (date(2026, 2, 17), False),  # Spring Festival
        (date(2026, 2, 28), True),  # Saturday, make-up day
        (date(2026, 10, 1), False),
        (date(2026, 9, 20), True),  # Sunday, make-up day
        (date(2026, 11, 21), False),  # an ordinary Saturday
        (date(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_published_calendar(day: date, working: bool) -> None:
    assert WorkingCalendar().is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Tuesday before National Day 2025: the next working day is 9 October.
        (local(2025, 9, 30, 10), 1, local(2025, 10, 9, 10)),
        # Friday: the make-up Sunday counts.
        (local(2025, 9, 26, 15, 30), 1, local(2025, 9, 28, 15, 30)),
        # Two working days from the eve of National Day: 9 Oct, then Friday 10 Oct.
        (local(2025, 9, 30, 10), 2, local(2025, 10, 10, 10)),
        # Spring Festival 2026: Friday 13 Feb -> make-up Saturday 14 -> Tuesday 24 Feb.
        (local(2026, 2, 13, 9), 1, local(2026, 2, 14, 9)),
        (local(2026, 2, 13, 9), 2, local(2026, 2, 24, 9)),
        # Started on a holiday: counting begins with the next working day.
        (local(2026, 10, 3, 11), 1, local(2026, 10, 8, 11)),
        # An ordinary week: Friday + 3 working days = Wednesday.
        (local(2026, 11, 20, 14), 3, local(2026, 11, 25, 14)),
    ],
)
def test_working_days_on_real_holidays(start: datetime, days: int, due: datetime) -> None:
    assert add_span(start, f"{days}wd", "Asia/Shanghai", sheet(WorkingCalendar())) == due


def test_working_days_are_counted_in_the_city_time_zone() -> None:
    # 20:00 UTC on Friday 13 Feb 2026 is 04:00 on the make-up Saturday in Shanghai.
    start = datetime(2026, 2, 13, 20, tzinfo=UTC)
    due = add_span(start, "1wd", "Asia/Shanghai", sheet(WorkingCalendar()))
    assert due == datetime(2026, 2, 23, 20, tzinfo=UTC)  # 04:00 on Tuesday 24 Feb, Shanghai
    assert due.tzinfo == UTC


def test_natural_units_ignore_the_calendar() -> None:
    start = local(2025, 9, 30, 23)
    calendar = WorkingCalendar()
    assert add_span(start, "2h", "Asia/Shanghai", sheet(calendar)) == local(2025, 10, 1, 1)
    assert add_span(start, "7d", "Asia/Shanghai", sheet(calendar)) == local(2025, 10, 7, 23)
    assert add_span(start, "30m", "Asia/Shanghai", sheet(calendar)) == local(2025, 9, 30, 23, 30)
    assert add_span(start, "45s", "Asia/Shanghai", sheet(calendar)) == local(2025, 9, 30, 23, 0, 45)


def test_unpublished_year_counts_weekdays_and_takes_operator_overrides() -> None:
    plain = WorkingCalendar()
    assert plain.is_working_day(date(2030, 1, 7))  # a Monday in a year the library lacks
    assert not plain.is_working_day(date(2030, 1, 5))  # Saturday
    declared = WorkingCalendar(
        CalendarOverrides(holidays=[date(2030, 1, 7)], workdays=[date(2030, 1, 5)])
    )
    assert not declared.is_working_day(date(2030, 1, 7))
    assert declared.is_working_day(date(2030, 1, 5))
    assert add_span(local(2030, 1, 4, 9), "1wd", "Asia/Shanghai", sheet(declared)) == local(
        2030, 1, 5, 9
    )


def test_overrides_beat_the_published_calendar() -> None:
    calendar = WorkingCalendar(CalendarOverrides(holidays=[date(2026, 11, 23)]))
    assert not calendar.is_working_day(date(2026, 11, 23))
    assert add_span(local(2026, 11, 20, 9), "1wd", "Asia/Shanghai", sheet(calendar)) == local(
        2026, 11, 24, 9
    )


# -- a year the library does not know yet: the regulation's holidays --------------------


def test_derived_holidays_are_holidays_in_the_published_years() -> None:
    """The rule reproduces every statutory day off (补假 included) of 2025 and 2026."""
    for year in (2025, 2026):
        derived = statutory_holidays(year)
        assert len(derived) >= 13
        assert not [day for day in derived if chinese_calendar.is_workday(day)], year


def test_2027_follows_the_regulation() -> None:
    calendar = WorkingCalendar()
    off = [
        date(2027, 1, 1),  # 元旦, a Friday
        *[date(2027, 2, day) for day in range(5, 9)],  # 除夕 (5 Feb) to 初三
        date(2027, 2, 9),  # 补假 for the Saturday and Sunday of the Spring Festival
        date(2027, 2, 10),
        date(2027, 4, 5),  # 清明
        date(2027, 5, 3),  # 补假: 1 and 2 May are a weekend
        date(2027, 5, 4),
        date(2027, 6, 9),  # 端午, fifth day of the fifth lunar month
        date(2027, 9, 15),  # 中秋
        date(2027, 10, 1),
        date(2027, 10, 4),  # 补假 for 2 and 3 October
        date(2027, 10, 5),
    ]
    assert [day for day in off if calendar.is_working_day(day)] == []
    assert calendar.is_working_day(date(2027, 2, 11))
    assert calendar.is_working_day(date(2027, 10, 6))
    # A deadline from the last working day of 2026 skips New Year's Day 2027.
    due = add_span(local(2026, 12, 31, 10), "1wd", "Asia/Shanghai", sheet(calendar))
    assert due == local(2027, 1, 4, 10)
    assert calendar.sheet(date(2026, 12, 1), date(2027, 1, 31)).guessed_years == [2027]


def test_an_unpublished_year_warns_once_that_make_up_days_are_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(working_calendar, "_WARNED_YEARS", set())
    with capture_logs() as logs:
        WorkingCalendar().sheet(date(2027, 1, 1), date(2027, 12, 31))
        WorkingCalendar().sheet(date(2027, 1, 1), date(2027, 12, 31))
    (warning,) = [entry for entry in logs if entry["log_level"] == "warning"]
    assert warning["year"] == 2027 and "make-up working days unknown" in warning["event"]
