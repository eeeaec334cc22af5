"""How a deadline reads on the workbench: amber only from its warning instant, never
"0 分", and a deadline at midnight as the end of the day before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from web.countdowns import countdown, due_said, warning_at
from web.sign_in import same_site_path

NOW = datetime(2026, 12, 2, 2, tzinfo=UTC)


def said(text: str) -> str:
    return text


def test_a_countdown_is_amber_from_its_warning_and_red_past_due() -> None:
    due = NOW + timedelta(hours=1)
    assert countdown(due, NOW, said, NOW + timedelta(minutes=1)) == ("还剩 1 小时", "running")
    assert countdown(due, NOW, said, NOW)[1] == "warning"
    assert countdown(due, NOW, said)[1] == "running"  # no warning instant known
    assert countdown(NOW - timedelta(seconds=20), NOW, said) == ("已超时 不足 1 分钟", "overdue")
    assert countdown(NOW + timedelta(seconds=20), NOW, said)[0] == "还剩 不足 1 分钟"
    assert countdown(NOW - timedelta(days=1), NOW, said)[0] == "已超时 1 天"
    assert warning_at(NOW, due, 0.8) == NOW + timedelta(minutes=48)


def test_a_deadline_at_midnight_reads_as_the_day_before_ending() -> None:
    city = ZoneInfo("Asia/Shanghai")
    assert due_said(datetime(2026, 12, 6, tzinfo=city), city) == "12-05 24:00"
    assert due_said(datetime(2026, 12, 6, 9, 30, tzinfo=city), city) == "12-06 09:30"


def test_the_language_switch_goes_back_only_within_the_site() -> None:
    assert same_site_path("/tickets?status=handling") == "/tickets?status=handling"
    for elsewhere in ("//evil.example", "https://evil.example/", "/\\evil", "evil", "/a\nb"):
        assert same_site_path(elsewhere) == "/", elsewhere
