"""How a running deadline reads on the workbench: its due instant in the city's time (a
day's end as that day), the time left or past, and its colour on the policy's ladder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta, tzinfo


def minute(at: datetime, timezone: tzinfo) -> str:
    return at.astimezone(timezone).strftime("%Y-%m-%d %H:%M")


def due_said(due: datetime, timezone: tzinfo, day: str = "%m-%d") -> str:
    """A deadline in the city's time to the minute; one at midnight is the end of the day
    before, as a day picked for it reads (下派 to 12-05: "12-05 24:00", not "12-06 00:00")."""
    local = due.astimezone(timezone)
    if local.time() == time(0):
        return (local - timedelta(days=1)).strftime(day) + " 24:00"
    return local.strftime(f"{day} %H:%M")


def countdown(
    due: datetime, now: datetime, _: Callable[[str], str], warn_at: datetime | None = None
) -> tuple[str, str]:
    """``(text, rung)``: 还剩 1 小时 12 分 / 已超时 3 小时, and a CSS class: ``overdue`` once
    past due, ``warning`` from the policy's warning instant (``warn_at``: its
    warning_ratio of the span), ``running`` before it or when no warning instant is known."""
    seconds = int((due - now).total_seconds())
    minutes = abs(seconds) // 60
    days, hours, mins = minutes // 1440, minutes // 60 % 24, minutes % 60
    parts = [
        _("%(n)d 天") % {"n": days} if days else "",
        _("%(n)d 小时") % {"n": hours} if hours else "",
        _("%(n)d 分") % {"n": mins} if mins else "",
    ]
    span = " ".join(p for p in parts if p) or _("不足 1 分钟")
    if seconds < 0:
        return _("已超时 %(span)s") % {"span": span}, "overdue"
    warning = warn_at is not None and now >= warn_at
    return _("还剩 %(span)s") % {"span": span}, "warning" if warning else "running"


def warning_at(start: datetime, due: datetime, ratio: float) -> datetime:
    """A deadline's warning instant: ``ratio`` of its span after its start (the ladder's
    临期预警), for records that carry a start rather than the ticket's warning instants."""
    return start + (due - start) * ratio
