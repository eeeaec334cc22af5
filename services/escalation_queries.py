"""Reads of the escalation history (every rung on every ticket), from the read model."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from sqlalchemy import JSON, Select, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from schema.column_types import sealer
from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.tables import StoredEscalation, TicketEvent
from services.spreadsheets import csv_text


@dataclass(frozen=True)
class EscalationFilter:
    department: str | None = None
    level: int | None = None
    min_level: int | None = None
    kind: EscalationKind | None = None
    outcome: EscalationOutcome | None = None
    ticket_no: str | None = None
    raised_from: datetime | None = None  # inclusive
    raised_to: datetime | None = None  # exclusive

    def apply(self, query: Select[Any]) -> Select[Any]:
        exact = {
            StoredEscalation.department: self.department,
            StoredEscalation.level: self.level,
            StoredEscalation.kind: self.kind.value if self.kind else None,
            StoredEscalation.outcome: self.outcome.value if self.outcome else None,
            StoredEscalation.ticket_no: self.ticket_no,
        }
        for column, value in exact.items():
            if value is not None:
                query = query.where(column == value)
        if self.min_level is not None:
            query = query.where(StoredEscalation.level >= self.min_level)
        if self.raised_from is not None:
            query = query.where(StoredEscalation.raised_at >= self.raised_from)
        if self.raised_to is not None:
            query = query.where(StoredEscalation.raised_at < self.raised_to)
        return query


async def list_escalations(
    session: AsyncSession, where: EscalationFilter, *, offset: int, limit: int | None
) -> tuple[list[Escalation], int]:
    """Newest first, with the total matching count."""
    total = await session.scalar(where.apply(select(func.count()).select_from(StoredEscalation)))
    query = where.apply(select(StoredEscalation)).order_by(
        StoredEscalation.raised_at.desc(), StoredEscalation.id.desc()
    )
    rows = await session.scalars(query.offset(offset).limit(limit))
    return [Escalation.model_validate(row, from_attributes=True) for row in rows], int(total or 0)


async def open_child(
    session: AsyncSession, ticket_no: str, kind: EscalationKind, department: str | None = None
) -> list[Escalation]:
    """The ticket's open joint meetings or referrals (for one department, if given)."""
    where = EscalationFilter(
        ticket_no=ticket_no, kind=kind, outcome=EscalationOutcome.OPEN, department=department
    )
    found, _ = await list_escalations(session, where, offset=0, limit=None)
    return found


class OnTicket(Protocol):
    @property
    def ticket_no(self) -> str: ...


class OpenMeeting(NamedTuple):
    ticket_no: str
    number: int


async def meetings_summoning(session: AsyncSession, department: str) -> list[OpenMeeting]:
    """The open joint meetings that summoned ``department``. Who was summoned is in each
    one's sealed detail: the details are read as stored and each is opened once per
    process (``_summoned``), so the inbox's refresh does not open every open meeting's
    again."""
    stored = type_coerce(StoredEscalation.detail, JSON)  # as stored: not opened
    rows = await session.execute(
        select(StoredEscalation.ticket_no, StoredEscalation.number, stored).where(
            StoredEscalation.outcome == EscalationOutcome.OPEN.value,
            StoredEscalation.kind == EscalationKind.JOINT_MEETING.value,
        )
    )
    return [OpenMeeting(no, number) for no, number, detail in rows if department in _units(detail)]


def _units(stored: Any) -> frozenset[str]:
    if isinstance(stored, str):
        return _summoned(stored)
    return _summoned_in(sealer().opened(stored))  # stored in clear, before sealing


@lru_cache(maxsize=20_000)
def _summoned(sealed: str) -> frozenset[str]:
    """The units a sealed detail names, by the sealed text: a changed detail, or one sealed
    again with a new key, is another text, so nothing stale is ever answered."""
    return _summoned_in(sealer().opened(sealed))


def _summoned_in(detail: Any) -> frozenset[str]:
    return frozenset(detail.get("departments", [])) if isinstance(detail, dict) else frozenset()


async def child_reports(
    session: AsyncSession, records: Iterable[OnTicket], action: str
) -> dict[tuple[str, int], list[dict[str, Any]]]:
    """What the children of these rungs reported to their tickets' timelines as ``action``
    (a report-in, an acknowledgement), by (ticket, rung number): the events' details."""
    tickets = {record.ticket_no for record in records}
    if not tickets:
        return {}
    events = await session.execute(
        select(TicketEvent.ticket_no, TicketEvent.detail).where(
            TicketEvent.ticket_no.in_(tickets), TicketEvent.action == action
        )
    )
    found: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for ticket_no, detail in events:
        found.setdefault((ticket_no, detail.get("escalation")), []).append(detail)
    return found


CSV_COLUMNS = [
    "id",
    "ticket_no",
    "number",
    "kind",
    "level",
    "tier",
    "department",
    "step",
    "reason",
    "raised_by",
    "raised_at",
    "due_at",
    "outcome",
    "ended_at",
    "ended_by",
    "workflow_id",
    "leader",
    "officials",
]


def escalations_csv(records: Iterable[Escalation]) -> str:
    """One row a rung; the leader and the officials named come out of the detail."""
    rows = []
    for record in records:
        row = record.model_dump(mode="json")
        row["leader"] = record.detail.get("leader", "")
        row["officials"] = "; ".join(record.detail.get("officials", []))
        rows.append([row.get(column) for column in CSV_COLUMNS])
    return csv_text(CSV_COLUMNS, rows)
