"""The daily report (民情日报) computed on a hand-made day."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.report_compilers import day_before
from activities.reports import daily_markdown, daily_report
from tests.support.statistics import ticket


def test_the_day_before_is_the_citys_calendar_day() -> None:
    # 01:00 on 22 November in Shanghai is 17:00 UTC on the 21st; "yesterday" is the 21st.
    yesterday = day_before(datetime(2026, 11, 21, 17, tzinfo=UTC), "Asia/Shanghai")
    start, end = yesterday.start, yesterday.end
    assert start == datetime(2026, 11, 20, 16, tzinfo=UTC)
    assert end == datetime(2026, 11, 21, 16, tzinfo=UTC)


def test_daily_report_figures() -> None:
    day = [
        ticket(1, "housing", category="010202", district="putuo"),
        ticket(2, "housing", category="010202", district="putuo", type="report"),
        ticket(3, "transport", category="010301", district="dinghai", enterprise=True),
        ticket(4, "transport", category="010301", district="putuo", closure="merged"),
    ]
    week_before = [ticket(9, "housing")] * 5
    report = daily_report(day, week_before)
    assert report["total"] == 4
    assert report["by_type"] == {"complaint": 3, "report": 1}
    assert report["by_category"] == [("010202", 2), ("010301", 2)]
    assert report["by_district"] == {"dinghai": 1, "putuo": 3}
    assert report["hot_spots"] == [
        {"category": "010202", "district": "putuo", "tickets": 2}
    ]  # road damage is split across districts
    assert (report["repeat_requests"], report["enterprise_requests"]) == (1, 1)
    assert report["week_before"] == {"total": 5, "change": -1, "change_percent": -20.0}
    text = daily_markdown("2026-11-21", report)
    assert text.startswith("# Daily report (民情日报) — 2026-11-21")
    assert "**4 requests**; the same day a week before: 5 (-1)." in text
    assert "- 010202 in putuo: 2" in text


def test_a_quiet_day() -> None:
    report = daily_report([], [])
    assert report["total"] == 0 and report["hot_spots"] == []
    assert report["week_before"]["change_percent"] is None
