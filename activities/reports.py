"""Compiling periodic reports from the read model, and keeping them for the API."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from hotline.database import insert_for
from schema.activity_io import ActivityName
from schema.reports import ReportKind, ReportRequest, ReportSummary
from schema.tables import Report, Ticket
from schema.ticket import ClosureReason, TicketView


def local_day_before(as_of: datetime, timezone: str) -> tuple[datetime, datetime]:
    """[00:00, 24:00) of the city's calendar day before ``as_of``, in UTC."""
    zone = ZoneInfo(timezone)
    today = as_of.astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def daily_report(day: list[TicketView], week_before: list[TicketView]) -> dict[str, Any]:
    """民情日报: the day's volume by type, category and district, its hot spots, repeat and
    enterprise requests, and the change from the same weekday a week before."""
    hot_spots = Counter((t.category, t.district) for t in day)
    change = len(day) - len(week_before)
    return {
        "total": len(day),
        "by_type": dict(sorted(Counter(t.type.value for t in day).items())),
        "by_category": Counter(t.category for t in day).most_common(10),
        "by_district": dict(sorted(Counter(t.district for t in day).items())),
        "hot_spots": [
            {"category": c, "district": d, "tickets": n}
            for (c, d), n in hot_spots.most_common(5)
            if n >= 2
        ],
        "repeat_requests": sum(t.closure_reason is ClosureReason.MERGED for t in day),
        "enterprise_requests": sum(t.enterprise for t in day),
        "week_before": {
            "total": len(week_before),
            "change": change,
            "change_percent": round(100 * change / len(week_before), 1) if week_before else None,
        },
    }


def daily_markdown(day_label: str, content: dict[str, Any]) -> str:
    lines = [
        f"# Daily report (民情日报) — {day_label}",
        "",
        f"**{content['total']} requests**; the same day a week before: "
        f"{content['week_before']['total']} ({content['week_before']['change']:+d}).",
        "",
    ]
    lines += ["## By type", ""] + [f"- {k}: {v}" for k, v in content["by_type"].items()]
    lines += ["", "## Top categories", ""] + [f"- {c}: {n}" for c, n in content["by_category"]]
    lines += ["", "## By district", ""] + [f"- {k}: {v}" for k, v in content["by_district"].items()]
    lines += ["", "## Hot spots", ""] + (
        [f"- {h['category']} in {h['district']}: {h['tickets']}" for h in content["hot_spots"]]
        or ["- none"]
    )
    lines += [
        "",
        f"Repeat requests merged: {content['repeat_requests']}. "
        f"Enterprise requests: {content['enterprise_requests']}.",
        "",
    ]
    return "\n".join(lines)


async def tickets_created(
    session: AsyncSession, start: datetime, end: datetime
) -> list[TicketView]:
    documents = await session.scalars(
        select(Ticket.document).where(Ticket.created_at >= start, Ticket.created_at < end)
    )
    return [TicketView.model_validate(doc) for doc in documents]


class ReportActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], timezone: str) -> None:
        self._sessions = sessions
        self._timezone = timezone

    @activity.defn(name=ActivityName.COMPILE_REPORT)
    async def compile_report(self, request: ReportRequest) -> ReportSummary:
        as_of = request.as_of or datetime.now(UTC)
        start, end = local_day_before(as_of, self._timezone)
        day_label = start.astimezone(ZoneInfo(self._timezone)).date().isoformat()
        async with self._sessions() as session:
            day = await tickets_created(session, start, end)
            week_before = await tickets_created(
                session, start - timedelta(days=7), end - timedelta(days=7)
            )
        content = daily_report(day, week_before)
        report_id = f"{request.kind.value}-{day_label}"
        row = {
            "id": report_id,
            "kind": request.kind.value,
            "period_from": start,
            "period_to": end,
            "created_at": datetime.now(UTC),
            "content": content,
            "markdown": daily_markdown(day_label, content),
        }
        async with self._sessions.begin() as session:  # compiled again: the newest wins
            upsert = insert_for(session, Report).values(**row)
            await session.execute(
                upsert.on_conflict_do_update(
                    index_elements=[Report.id],
                    set_={k: upsert.excluded[k] for k in row if k != "id"},
                )
            )
        return ReportSummary(id=report_id, kind=ReportKind.DAILY, period_from=start, period_to=end)
