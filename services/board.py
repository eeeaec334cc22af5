"""The supervision board's figures (督办看板), read from the read model: what is open, who
is overdue, which rung each stuck ticket stands on, the meetings and referrals under way,
and today's intake (in the city's day) against the same weekday a week before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.ladder import rungs_shown
from schema.tables import StoredEscalation, Ticket
from schema.ticket import OPEN_STATUSES, TicketStatus
from services.context import AppContext
from services.escalation_queries import EscalationFilter, child_reports, list_escalations

# The ladder's rungs in order, as the board counts them (a supervision order by tier).
RUNGS = rungs_shown()
LISTED = 50
# The overdue panel's row for tickets no department leads yet: the centre's own dispatch
# deadline (an undispatched emergency past its 派单时限 is the centre's to answer for).
CENTRE = ""  # open meetings, referrals and leader supervisions shown on the board


@dataclass(frozen=True)
class Meeting:
    record: Escalation
    reported: list[str]
    missing: list[str]


@dataclass(frozen=True)
class ChartFigures:
    """What the board's charts draw (and the tables beside them show)."""

    # (department, open overdue tickets it leads); CENTRE for those not yet dispatched.
    overdue_by_lead: list[tuple[str, int]]
    day_start: datetime  # today, in the city
    intake_today: list[int]  # by hour of the city's day
    intake_week_before: list[int]


@dataclass(frozen=True)
class BoardFigures:
    charts: ChartFigures
    open_by_status: dict[str, int]
    rungs: list[tuple[EscalationKind, str | None, int]]
    leader_supervised: list[Escalation]
    meetings: list[Meeting]
    referrals: list[Escalation]


async def chart_figures(context: AppContext, now: datetime) -> ChartFigures:
    """What the charts draw, alone (their JSON)."""
    async with context.sessions() as session:
        return await _charts(session, now, ZoneInfo(context.policy.timezone))


async def board_figures(context: AppContext, now: datetime) -> BoardFigures:
    """The whole board, its charts' figures with it, in one read."""
    async with context.sessions() as session:
        return await _board(session, now, ZoneInfo(context.policy.timezone))


async def _charts(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> ChartFigures:
    overdue = await session.execute(
        select(Ticket.lead_department, func.count())
        .where(Ticket.status.in_(OPEN_STATUSES), Ticket.overdue.is_(True))
        .group_by(Ticket.lead_department)
        .order_by(func.count().desc(), Ticket.lead_department)
    )
    day_start = datetime.combine(now.astimezone(timezone).date(), time(), timezone)
    week_before = day_start - timedelta(days=7)
    return ChartFigures(
        overdue_by_lead=[(lead or CENTRE, count) for lead, count in overdue],
        day_start=day_start,
        intake_today=await _intake_by_hour(session, day_start, until=now),
        intake_week_before=await _intake_by_hour(
            session, week_before, until=week_before + timedelta(days=1)
        ),
    )


async def _board(session: AsyncSession, now: datetime, timezone: ZoneInfo) -> BoardFigures:
    by_status = {
        status: count
        for status, count in await session.execute(
            select(Ticket.status, func.count())
            .where(Ticket.status.in_(OPEN_STATUSES))
            .group_by(Ticket.status)
        )
    }
    counted = {
        (kind, tier): count
        for kind, tier, count in await session.execute(
            select(StoredEscalation.kind, StoredEscalation.tier, func.count())
            .where(StoredEscalation.outcome == EscalationOutcome.OPEN.value)
            .group_by(StoredEscalation.kind, StoredEscalation.tier)
        )
    }
    return BoardFigures(
        charts=await _charts(session, now, timezone),
        open_by_status={
            s.value: by_status.get(s.value, 0) for s in TicketStatus if s is not TicketStatus.CLOSED
        },
        rungs=[
            (
                kind,
                tier,
                sum(n for (k, t), n in counted.items() if k == kind.value and tier in (None, t)),
            )
            for kind, tier in RUNGS
        ],
        leader_supervised=await _open(session, EscalationKind.LEADER_SUPERVISION),
        meetings=await _meetings(session),
        referrals=await _open(session, EscalationKind.DISCIPLINE_REFERRAL),
    )


async def _open(session: AsyncSession, kind: EscalationKind) -> list[Escalation]:
    where = EscalationFilter(kind=kind, outcome=EscalationOutcome.OPEN)
    records, _ = await list_escalations(session, where, offset=0, limit=LISTED)
    return sorted(records, key=lambda r: r.due_at or r.raised_at)


async def _meetings(session: AsyncSession) -> list[Meeting]:
    """Open joint meetings, with the summoned departments that have and have not reported in."""
    records = await _open(session, EscalationKind.JOINT_MEETING)
    reports = await child_reports(session, records, "joint_meeting_report_in")
    meetings = []
    for record in records:
        summoned = list(record.detail.get("departments", []))
        came = [r["department"] for r in reports.get((record.ticket_no, record.number), [])]
        meetings.append(Meeting(record, came, [d for d in summoned if d not in came]))
    return meetings


async def _intake_by_hour(session: AsyncSession, day_start: datetime, until: datetime) -> list[int]:
    """Tickets registered in each hour of the city's day (none after ``until``): one pass
    over the day's stretch of the ``created_at`` index."""
    hours = [day_start + timedelta(hours=h) for h in range(25)]
    created = Ticket.created_at
    counts = select(
        *(
            func.count().filter(created >= hours[h], created < min(hours[h + 1], until))
            for h in range(24)
        )
    ).where(created >= day_start, created < until)
    return [int(n or 0) for n in (await session.execute(counts)).one()]
