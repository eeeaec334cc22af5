"""Compiling periodic reports from the read model, and keeping them for the API."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities import report_compilers as compilers
from activities.report_compilers import Period
from figures.statistics import Weights, ranked_statistics
from figures.ticket_facts import department_counts, missed_report_ins
from hotline.database import upsert
from schema.activity_io import ActivityName
from schema.counts import HANDLED
from schema.policy import Policy
from schema.reports import ReportKind, ReportRequest, ReportSummary
from schema.tables import Report, Ticket
from schema.ticket import ClosureReason, TicketStatus, TicketView


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


@dataclass(frozen=True)
class Compiled:
    period: Period
    content: dict[str, Any]
    markdown: str
    leader_supervision: list[str] = field(default_factory=list)


async def tickets_where(session: AsyncSession, *conditions: Any) -> list[TicketView]:
    documents = await session.scalars(select(Ticket.document).where(*conditions))
    return [TicketView.model_validate(doc) for doc in documents]


async def tickets_created(
    session: AsyncSession, start: datetime, end: datetime
) -> list[TicketView]:
    return await tickets_where(session, Ticket.created_at >= start, Ticket.created_at < end)


class ReportActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], policy: Policy) -> None:
        self._sessions = sessions
        self._policy = policy
        self._compilers: dict[ReportKind, Callable[[datetime], Awaitable[Compiled]]] = {
            ReportKind.DAILY: self._daily,
            ReportKind.DISPATCH_MEETING: self._dispatch_meeting,
            ReportKind.BULLETIN: self._bulletin,
            ReportKind.CLEARANCE: self._clearance,
            ReportKind.AUDIT: self._audit,
        }

    @activity.defn(name=ActivityName.COMPILE_REPORT)
    async def compile_report(self, request: ReportRequest) -> ReportSummary:
        as_of = request.as_of or datetime.now(UTC)
        compiled = await self._compilers[request.kind](as_of)
        report_id = f"{request.kind.value}-{compiled.period.label}"
        row = {
            "id": report_id,
            "kind": request.kind.value,
            "period_from": compiled.period.start,
            "period_to": compiled.period.end,
            "created_at": datetime.now(UTC),
            "content": compiled.content,
            "markdown": compiled.markdown,
        }
        async with self._sessions.begin() as session:  # compiled again: the newest wins
            await upsert(session, Report, [row])
        return ReportSummary(
            id=report_id,
            kind=request.kind,
            period_from=compiled.period.start,
            period_to=compiled.period.end,
            leader_supervision=compiled.leader_supervision,
        )

    @property
    def _timezone(self) -> str:
        return self._policy.timezone

    async def _daily(self, as_of: datetime) -> Compiled:
        period = compilers.day_before(as_of, self._timezone)
        week = timedelta(days=7)
        async with self._sessions() as session:
            day = await tickets_created(session, period.start, period.end)
            week_before = await tickets_created(session, period.start - week, period.end - week)
        content = daily_report(day, week_before)
        return Compiled(period, content, daily_markdown(period.label, content))

    async def _dispatch_meeting(self, as_of: datetime) -> Compiled:
        label = as_of.astimezone(ZoneInfo(self._timezone)).date().isoformat()
        async with self._sessions() as session:
            open_tickets = await tickets_where(session, Ticket.status != TicketStatus.CLOSED.value)
        content = compilers.dispatch_meeting(open_tickets, as_of, self._policy)
        return Compiled(
            Period(as_of, as_of, label),
            content,
            compilers.dispatch_meeting_markdown(label, content),
            [t["ticket_no"] for t in content["assigned_to_leaders"]],
        )

    async def _bulletin(self, as_of: datetime) -> Compiled:
        period = compilers.ten_days_before(as_of, self._timezone)
        async with self._sessions() as session:
            counts = await department_counts(
                session, created_from=period.start, created_to=period.end
            )
            absences = await missed_report_ins(
                session, raised_from=period.start, raised_to=period.end
            )
        stats = ranked_statistics(
            counts,
            period_from=period.start,
            period_to=period.end,
            weights=Weights(),
            missed_report_ins=absences,
        )
        content = compilers.bulletin(stats)
        return Compiled(period, content, compilers.bulletin_markdown(period.label, content))

    async def _clearance(self, as_of: datetime) -> Compiled:
        period = compilers.month_before(as_of, self._timezone)
        async with self._sessions() as session:
            unfinished = await tickets_where(
                session,
                Ticket.status != TicketStatus.CLOSED.value,
                Ticket.created_at < period.end,
            )
        content = compilers.clearance(unfinished, as_of)
        return Compiled(period, content, compilers.clearance_markdown(period.label, content))

    async def _audit(self, as_of: datetime) -> Compiled:
        period = compilers.month_before(as_of, self._timezone)
        async with self._sessions() as session:
            closed = await tickets_where(
                session,
                Ticket.closed_at >= period.start,
                Ticket.closed_at < period.end,
                Ticket.closure_reason.in_([c.value for c in HANDLED]),
            )
        content = compilers.audit(closed, period.label, self._policy.reports.audit_sample_size)
        return Compiled(period, content, compilers.audit_markdown(period.label, content))
