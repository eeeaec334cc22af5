"""Reads of many tickets, served by the SQL read model."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from schema.tables import Department, Ticket, TicketDepartment, TicketEvent
from schema.ticket import OPEN_STATUSES, TicketStatus, TicketView, TimelineEvent

# A department's own rows as the overdue filter joins them (apart from a queue's).
_OVERDUE_ROWS = aliased(TicketDepartment, name="overdue_rows")


@dataclass(frozen=True)
class TicketFilter:
    status: TicketStatus | None = None
    open: bool | None = None  # not closed / closed
    department: str | None = None  # leading or assisting
    departments: frozenset[str] | None = None  # any of these (a unit and those under it)
    lead: str | None = None
    overdue: bool | None = None
    district: str | None = None
    category: str | None = None
    categories: frozenset[str] | None = None  # any of these (a group and the nodes below it)
    phone_lookup: str | None = None  # the caller's, by its keyed hash (never the number)
    escalation_level: int | None = None
    min_escalation_level: int | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    def order(self) -> tuple[Any, Any]:
        """What a list of these pages by: the tickets' (created_at, ticket_no), or the copy
        of them in the department rows it joins, which their index holds in order."""
        if self.department is not None and self.overdue is True:
            return (_OVERDUE_ROWS.created_at, _OVERDUE_ROWS.ticket_no)
        return (Ticket.created_at, Ticket.ticket_no)

    def rows_count(self) -> Select[Any] | None:
        """The count of a filter that is a department's overdue tickets and nothing else,
        from its overdue rows' index alone (every row has its ticket)."""
        if self.department is None or self != TicketFilter(
            department=self.department, overdue=True
        ):
            return None
        return (
            select(func.count())
            .select_from(TicketDepartment)
            .where(
                TicketDepartment.department == self.department, TicketDepartment.overdue.is_(True)
            )
        )

    def apply(self, query: Select[Any]) -> Select[Any]:
        overdue_rows = self.department is not None and self.overdue is True
        exact = {
            Ticket.status: self.status.value if self.status else None,
            # The department's overdue rows say it (below), from their index alone.
            Ticket.overdue: None if overdue_rows else self.overdue,
            Ticket.district: self.district,
            Ticket.category: self.category,
            Ticket.escalation_level: self.escalation_level,
            Ticket.lead_department: self.lead,
            Ticket.phone_lookup: self.phone_lookup,
        }
        for column, value in exact.items():
            if value is not None:
                query = query.where(column == value)
        if overdue_rows:
            # The department's overdue rows (each its ticket's flag, copied), joined one a
            # ticket: their own index finds them in order (``order``), where a scan of every
            # overdue ticket's codes, or of every ticket by its instant, would be long.
            query = query.where(
                _OVERDUE_ROWS.ticket_no == Ticket.ticket_no,
                _OVERDUE_ROWS.department == self.department,
                _OVERDUE_ROWS.overdue.is_(True),
            )
        elif self.department is not None:
            # Otherwise the department's own index (ticket_departments) finds its tickets,
            # never a scan of every ticket's codes (measured at 100,000 tickets: p50 57–72 →
            # 20–29 ms for a department, 35–49 → 13–19 ms with a status).
            members = select(TicketDepartment.ticket_no).where(
                TicketDepartment.department == self.department
            )
            query = query.where(Ticket.ticket_no.in_(members))
        if self.categories is not None:
            query = query.where(Ticket.category.in_(sorted(self.categories)))
        if self.departments is not None:
            reach = select(TicketDepartment.ticket_no).where(
                TicketDepartment.department.in_(sorted(self.departments))
            )
            query = query.where(Ticket.ticket_no.in_(reach))
        if self.open is not None:
            closed = TicketStatus.CLOSED.value
            query = query.where(
                Ticket.status.in_(OPEN_STATUSES) if self.open else Ticket.status == closed
            )
        if self.min_escalation_level is not None:
            query = query.where(Ticket.escalation_level >= self.min_escalation_level)
        if self.created_from is not None:
            query = query.where(Ticket.created_at >= self.created_from)
        if self.created_to is not None:
            query = query.where(Ticket.created_at < self.created_to)
        return query


async def list_tickets(
    session: AsyncSession,
    where: TicketFilter,
    *,
    offset: int,
    limit: int,
    also: Sequence[ColumnElement[bool]] = (),
    oldest_first: bool = False,
    order: tuple[Any, Any] | None = None,
    count: Select[Any] | None = None,
) -> tuple[list[TicketView], int]:
    """A page of tickets and how many match; newest first, or oldest first for a work
    queue. ``also``: further conditions (a workbench queue's); ``order``: the columns that
    hold the tickets' (created_at, ticket_no) in a table ``also`` joins, whose index then
    gives the page in order; ``count``: a cheaper count of the same tickets, when the
    caller knows one (a queue's department rows alone).

    The page is found first by number alone, which the list indexes answer without
    reading a row; only the page's own documents are read after."""
    if count is None and not also:
        count = where.rows_count()
    if count is None:
        count = where.apply(select(func.count()).select_from(Ticket)).where(*also)
    total = await session.scalar(count)
    columns = order or where.order()
    numbers = list(
        await session.scalars(
            where.apply(select(Ticket.ticket_no))
            .where(*also)
            .order_by(*(c.asc() if oldest_first else c.desc() for c in columns))
            .offset(offset)
            .limit(limit)
        )
    )
    rows = await session.execute(
        select(Ticket.ticket_no, Ticket.document).where(Ticket.ticket_no.in_(numbers))
    )
    documents = {no: document for no, document in rows}
    found = [TicketView.model_validate(documents[no]) for no in numbers if no in documents]
    return found, int(total or 0)


async def stored_lead(session: AsyncSession, ticket_no: str) -> tuple[str | None] | None:
    """The ticket's lead department, as a one-tuple; None when the read model has no such
    ticket (yet)."""
    row = (
        await session.execute(select(Ticket.lead_department).where(Ticket.ticket_no == ticket_no))
    ).first()
    return (row[0],) if row is not None else None


async def stored_ticket(session: AsyncSession, ticket_no: str) -> TicketView | None:
    document = await session.scalar(select(Ticket.document).where(Ticket.ticket_no == ticket_no))
    return TicketView.model_validate(document) if document is not None else None


async def timeline(session: AsyncSession, ticket_no: str) -> list[TimelineEvent]:
    rows = await session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_no == ticket_no).order_by(TicketEvent.seq)
    )
    return [
        TimelineEvent(seq=r.seq, at=r.at, actor=r.actor, action=r.action, detail=r.detail)
        for r in rows
    ]


async def unknown_departments(session: AsyncSession, codes: list[str]) -> list[str]:
    known = set(
        await session.scalars(
            select(Department.code).where(Department.code.in_(codes), Department.active.is_(True))
        )
    )
    return [code for code in codes if code not in known]


async def known_districts(session: AsyncSession) -> list[str]:
    """The districts the catalogue's units serve: the only ones a ticket can be in."""
    found = await session.scalars(
        select(Department.district)
        .where(Department.district.is_not(None), Department.active.is_(True))
        .distinct()
    )
    return sorted(district for district in found if district)
