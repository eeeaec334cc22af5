"""The statistics page's periods, worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from web.periods import period_days


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("today", date(2026, 12, 1), (date(2026, 12, 1), date(2026, 12, 2))),
        ("week", date(2026, 12, 3), (date(2026, 11, 30), date(2026, 12, 7))),  # a Thursday
        ("decade", date(2026, 12, 10), (date(2026, 12, 1), date(2026, 12, 11))),
        ("decade", date(2026, 12, 11), (date(2026, 12, 11), date(2026, 12, 21))),
        ("decade", date(2026, 2, 28), (date(2026, 2, 21), date(2026, 3, 1))),  # 下旬 to the end
        ("decade", date(2026, 12, 31), (date(2026, 12, 21), date(2027, 1, 1))),
        ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
        ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2026, 1, 1))),
        ("last_month", date(2026, 3, 31), (date(2026, 2, 1), date(2026, 3, 1))),
    ],
)
def test_periods(name: str, today: date, expected: tuple[date, date]) -> None:
    assert period_days(name, today) == expected


def test_an_unknown_period_is_refused() -> None:
    with pytest.raises(ValueError, match="no period"):
        period_days("fortnight", date(2026, 12, 1))
