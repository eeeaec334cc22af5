"""The work queues of the agent's desk and the department's inbox: which tickets wait on
this user, how many, the longest-waiting first. How each is shown (its title, the deadline
its rows count down to) is the workbench's (web/queues.py).

A queue is a set of read-model conditions, so that its count, its first rows and the full
list behind it (the search page, ``/tickets?queue=<key>``) all come from one definition,
on indexed columns (status, lead department, the review owed, the standing order).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Duty, Ticket, TicketDepartment
from schema.ticket import Actor, PendingReview, Role, TicketStatus
from services.context import AppContext
from services.errors import ServiceError
from services.escalation_queries import child_reports, meetings_summoning
from services.ticket_queries import TicketFilter, list_tickets
from services.tickets import TicketPage, TicketSearch, shown_to

Conditions = list[ColumnElement[bool]]
ConditionsOf = Callable[[AsyncSession, Actor], Awaitable[Conditions]]

# A department's part is done once it has replied: what it still works on.
_IN_ITS_HANDS = (TicketStatus.DISPATCHED.value, TicketStatus.HANDLING.value)


def _status(status: TicketStatus) -> ColumnElement[bool]:
    return Ticket.status == status.value


def _in_its_hands(actor: Actor, *where: ColumnElement[bool]) -> Conditions:
    """This department's rows of the tickets in its hands that it leads or assists on, and
    ``where``: what a queue of its own rows selects, all in its rows' indexes."""
    return [
        TicketDepartment.department == actor.department,
        TicketDepartment.status.in_(_IN_ITS_HANDS),
        *where,
    ]


RowsOf = Callable[[Actor], Conditions]
# The department's rows' copy of their tickets' (created_at, ticket_no): the same order.
ROWS_ORDER = (TicketDepartment.created_at, TicketDepartment.ticket_no)


@dataclass(frozen=True)
class WorkQueue:
    key: str
    role: Role  # whose desk it stands on
    conditions: ConditionsOf
    # A queue of the department's own rows: which they are. They are joined one a ticket
    # (by their key), so its index finds them in waiting order (ROWS_ORDER), never by
    # walking every ticket's; and counted alone when the search adds nothing.
    rows: RowsOf | None = None


async def _received(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.RECEIVED)]


async def _returned(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.RETURNED)]


async def _extensions(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.HANDLING), Ticket.pending_review == PendingReview.EXTENSION.value]


async def _suspensions(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.HANDLING), Ticket.pending_review == PendingReview.SUSPENSION.value]


async def _suspended(_: AsyncSession, actor: Actor) -> Conditions:
    return [_status(TicketStatus.SUSPENDED), Ticket.lead_department == actor.department]


async def _with_110(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.AWAITING_110)]


async def _handed_back(_: AsyncSession, __: Actor) -> Conditions:
    # 110 hands a ticket back to where it was taken from; with the status named, the
    # (status, review) index finds them instead of a scan of every ticket.
    back_to = (TicketStatus.RECEIVED.value, TicketStatus.RETURNED.value)
    return [Ticket.status.in_(back_to), Ticket.pending_review == PendingReview.HANDED_BACK.value]


async def _unsatisfied(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.CALLBACK), Ticket.pending_review == PendingReview.RATING.value]


async def _callbacks(_: AsyncSession, __: Actor) -> Conditions:
    return [_status(TicketStatus.CALLBACK), Ticket.pending_review.is_(None)]


async def _to_sign(_: AsyncSession, actor: Actor) -> Conditions:
    return [_status(TicketStatus.DISPATCHED), Ticket.lead_department == actor.department]


async def _in_hand(_: AsyncSession, actor: Actor) -> Conditions:
    return [_status(TicketStatus.HANDLING), Ticket.lead_department == actor.department]


def _overdue(actor: Actor) -> Conditions:
    return _in_its_hands(actor, TicketDepartment.overdue.is_(True))


def _supervised(actor: Actor) -> Conditions:
    return _in_its_hands(actor, TicketDepartment.supervision_tier.is_not(None))


def _assisting(actor: Actor) -> Conditions:
    return _in_its_hands(
        actor, TicketDepartment.lead.is_(False), TicketDepartment.delegated.is_(False)
    )


def _owing(duty: Duty) -> RowsOf:
    """The tickets on which this department owes ``duty`` (a part, a reply up, …)."""
    return lambda actor: _in_its_hands(actor, TicketDepartment.duty == duty.value)


async def _summoned(session: AsyncSession, actor: Actor) -> Conditions:
    """Tickets whose open joint meeting summoned this department, which has not reported
    in yet (吹哨报到)."""
    summoned = await meetings_summoning(session, actor.department or "")
    reports = await child_reports(session, summoned, "joint_meeting_report_in")
    waiting = {
        m.ticket_no
        for m in summoned
        if actor.department
        not in [r.get("department") for r in reports.get((m.ticket_no, m.number), [])]
    }
    return [Ticket.ticket_no.in_(waiting)] if waiting else [false()]


def _on_own_rows(key: str, rows: RowsOf) -> WorkQueue:
    """A department's queue of its own rows, each joined to its ticket."""

    async def conditions(_: AsyncSession, actor: Actor) -> Conditions:
        return [TicketDepartment.ticket_no == Ticket.ticket_no, *rows(actor)]

    return WorkQueue(key, Role.DEPARTMENT, conditions, rows)


WORK_QUEUES = (
    WorkQueue("dispatch", Role.AGENT, _received),
    WorkQueue("returned", Role.AGENT, _returned),
    WorkQueue("handed-back", Role.AGENT, _handed_back),
    WorkQueue("with-110", Role.AGENT, _with_110),
    WorkQueue("extension", Role.AGENT, _extensions),
    WorkQueue("suspension", Role.AGENT, _suspensions),
    WorkQueue("rating", Role.AGENT, _unsatisfied),
    WorkQueue("callback", Role.AGENT, _callbacks),
    WorkQueue("meeting", Role.DEPARTMENT, _summoned),
    WorkQueue("sign", Role.DEPARTMENT, _to_sign),
    WorkQueue("handling", Role.DEPARTMENT, _in_hand),
    _on_own_rows("overdue", _overdue),
    WorkQueue("suspended", Role.DEPARTMENT, _suspended),
    _on_own_rows("supervised", _supervised),
    _on_own_rows("assisting", _assisting),
    _on_own_rows("parts", _owing(Duty.PART)),
    # 二级派单: what was passed down to this unit, and what it passed down.
    _on_own_rows("delegated-sign", _owing(Duty.DELEGATED_SIGN)),
    _on_own_rows("delegated-reply", _owing(Duty.DELEGATED_REPLY)),
    _on_own_rows("delegated-review", _owing(Duty.DELEGATED_REVIEW)),
    _on_own_rows("passed-down", _owing(Duty.PASSED_DOWN)),
)
QUEUE_BY_KEY = {queue.key: queue for queue in WORK_QUEUES}


def queues_for(role: Role) -> list[WorkQueue]:
    return [queue for queue in WORK_QUEUES if queue.role is role]


async def queue_heads(context: AppContext, actor: Actor, rows: int = 20) -> dict[str, TicketPage]:
    """Every queue of this user by key, in order: its count and its longest-waiting rows, as
    this user may see them; each read on its own connection, side by side."""
    first = TicketSearch(page_size=rows)
    queues = queues_for(actor.role)

    async def one(queue: WorkQueue) -> TicketPage:
        async with context.sessions() as session:
            return await _page(session, actor, queue, first)

    pages = await asyncio.gather(*(one(queue) for queue in queues))
    return {queue.key: page for queue, page in zip(queues, pages, strict=True)}


async def queue_page(
    context: AppContext, actor: Actor, key: str, search: TicketSearch
) -> TicketPage:
    """The whole queue, a page at a time, narrowed by the search page's filters."""
    queue = QUEUE_BY_KEY.get(key)
    if queue is None or queue.role is not actor.role:
        raise ServiceError(404, "unknown_queue", f"no work queue '{key}' for role '{actor.role}'")
    async with context.sessions() as session:
        return await _page(session, actor, queue, search)


async def _page(
    session: AsyncSession, actor: Actor, queue: WorkQueue, search: TicketSearch
) -> TicketPage:
    page, size = search.page, search.page_size
    where = search.where(search.department)
    rows = queue.rows(actor) if queue.rows is not None else None
    alone = None
    if rows is not None and where == TicketFilter():
        alone = select(func.count()).select_from(TicketDepartment).where(*rows)
    items, total = await list_tickets(
        session,
        where,
        offset=(page - 1) * size,
        limit=size,
        also=await queue.conditions(session, actor),
        oldest_first=True,
        order=ROWS_ORDER if rows is not None else None,
        count=alone,
    )
    shown = [shown_to(actor, item) for item in items]
    return TicketPage(items=shown, total=total, page=page, page_size=size)
