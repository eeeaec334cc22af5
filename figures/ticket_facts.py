"""What statistics and reports read of the tickets: each ticket's counts as the read model
keeps them (``ticket_figures``), and their sums over a period — by lead department, or
by day — added up by the database, never by loading the tickets."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from schema.column_types import UtcDateTime
from schema.counts import COUNTED, Counts, TicketFacts, facts_counts
from schema.escalation import EscalationKind
from schema.tables import FIGURE_COLUMNS, StoredEscalation, TicketEvent, TicketFigures
from schema.ticket import TicketView, TimelineAction

# Built once: the worker runs it after every transition (activities.read_model).
_MISSES_AND_ANSWERS = select(TicketEvent.action, TicketEvent.detail).where(
    TicketEvent.ticket_no == bindparam("no"),
    TicketEvent.action.in_([TimelineAction.REMINDER, TimelineAction.ANSWERED]),
)


def timeline_facts(connection: Connection, ticket: TicketView) -> TicketFacts:
    """The ticket with what its stored timeline says for statistics: which deadlines were
    missed (a ``reminder`` for the step) and whether it was answered on the spot."""
    steps = set()
    answered = False
    for action, detail in connection.execute(_MISSES_AND_ANSWERS, {"no": ticket.ticket_no}):
        if action == TimelineAction.ANSWERED:
            answered = True
        else:
            steps.add(str((detail or {}).get("step")))
    return TicketFacts(ticket, "sign" in steps, "reply" in steps, answered)


def figures_row(fact: TicketFacts) -> dict[str, Any]:
    """The ticket's ``ticket_figures`` row."""
    counts = facts_counts(fact)
    return {
        "created_at": fact.ticket.created_at,
        "ticket_no": fact.ticket.ticket_no,
        "lead_department": fact.ticket.lead_department,
        **{name: getattr(counts, name) for name in FIGURE_COLUMNS},
    }


def _sums(columns: Any) -> list[Any]:
    """Each count summed over ``columns`` (the table's, or a subquery's), and the rows."""
    return [
        func.count().label("tickets"),
        *(func.sum(columns[name]).label(name) for name in FIGURE_COLUMNS),
    ]


def _counts(row: Any) -> Counts:
    return Counts(**{name: int(getattr(row, name) or 0) for name in COUNTED})


async def department_counts(
    session: AsyncSession, *, created_from: datetime, created_to: datetime
) -> dict[str | None, Counts]:
    """Per lead department (``None``: no lead), the counts of the tickets created in the period."""
    table = TicketFigures.__table__.c
    rows = await session.execute(
        select(table.lead_department, *_sums(table))
        .where(table.created_at >= created_from, table.created_at < created_to)
        .group_by(table.lead_department)
    )
    return {row.lead_department: _counts(row) for row in rows}


async def counts_between(session: AsyncSession, bounds: list[datetime]) -> list[Counts]:
    """The city's counts in each of the consecutive periods ``bounds`` mark out (n bounds,
    n - 1 periods): each period's stretch of the ``created_at`` index, summed by period.

    The periods are a table of their own, joined, so the database knows there are only
    n - 1 groups and sums them as it goes (a bucket computed per row looks to PostgreSQL
    like a group per ticket: it sorted a month's half a million rows to group them)."""
    table = TicketFigures.__table__.c
    edges = [
        select(
            literal(index).label("bucket"),
            literal(start, UtcDateTime()).label("start"),
            literal(end, UtcDateTime()).label("end"),
        )
        for index, (start, end) in enumerate(pairwise(bounds))
    ]
    if not edges:
        return []
    periods = (union_all(*edges) if len(edges) > 1 else edges[0]).subquery("periods")
    rows = await session.execute(
        select(periods.c.bucket, *_sums(table))
        .join_from(
            periods,
            TicketFigures,
            and_(table.created_at >= periods.c.start, table.created_at < periods.c.end),
        )
        .group_by(periods.c.bucket)
    )
    found = {row.bucket: _counts(row) for row in rows}
    return [found.get(index, Counts()) for index in range(len(bounds) - 1)]


async def missed_report_ins(
    session: AsyncSession, *, raised_from: datetime, raised_to: datetime
) -> dict[str, int]:
    """Per department, the joint-meeting report-ins it missed in the period."""
    rows = await session.execute(
        select(StoredEscalation.department, func.count())
        .where(
            StoredEscalation.kind == EscalationKind.MISSED_REPORT_IN.value,
            StoredEscalation.raised_at >= raised_from,
            StoredEscalation.raised_at < raised_to,
            StoredEscalation.department.is_not(None),
        )
        .group_by(StoredEscalation.department)
    )
    return {str(department): int(count) for department, count in rows}
