"""The days a request may name (schema.body), and the pages' words for them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from schema.body import FIRST_DAY, LAST_DAY, out_of_day_range
from web.base import DAY_RANGE_REFUSAL


def test_dates_keep_to_the_range_and_an_instant_may_end_its_last_day() -> None:
    assert out_of_day_range(FIRST_DAY) is None and out_of_day_range(LAST_DAY) is None
    assert out_of_day_range(FIRST_DAY - timedelta(days=1)) is not None
    assert out_of_day_range(LAST_DAY + timedelta(days=1)) is not None
    east = timezone(timedelta(hours=14))
    assert out_of_day_range(datetime(2101, 1, 1, tzinfo=east)) is None  # an exclusive end
    assert out_of_day_range(datetime(2101, 1, 2, tzinfo=UTC)) is not None
    assert out_of_day_range(datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=8)))) is not None
    assert out_of_day_range(date(9999, 12, 31)) == "must fall between 2000-01-01 and 2100-12-31"


def test_the_pages_name_the_same_days() -> None:
    assert FIRST_DAY.isoformat() in DAY_RANGE_REFUSAL and LAST_DAY.isoformat() in DAY_RANGE_REFUSAL
