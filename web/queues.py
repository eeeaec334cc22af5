"""The work queues of the agent's desk and the department's inbox: which tickets wait on
this user, how many, the longest-waiting first.

A queue is a set of read-model conditions, so that its count, its first rows and the full
list behind it (the search page, ``/tickets?queue=<key>``) all come from one definition,
on indexed columns (status, lead department, the review owed, the standing order).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.escalation import EscalationKind, EscalationOutcome
from schema.tables import Duty, Ticket, TicketDepartment
from schema.ticket import Actor, PendingReview, Role, TicketStatus, TicketView
from services.escalation_queries import EscalationFilter, child_reports, list_escalations
from services.ticket_queries import list_tickets
from services.tickets import TicketPage, TicketSearch, shown_to
from web.i18n import N_

Conditions = list[ColumnElement[bool]]
PART_DUE = "assisting_part"  # a part's deadline is the department's own, in ``parts``

# A department's part is done once it has replied: what it still works on.
_IN_ITS_HANDS = (TicketStatus.DISPATCHED.value, TicketStatus.HANDLING.value)


def _status(status: TicketStatus) -> ColumnElement[bool]:
    return Ticket.status == status.value


def _on_ticket(actor: Actor, *where: ColumnElement[bool]) -> ColumnElement[bool]:
    """The tickets in this department's hands that it leads or assists on, and ``where``."""
    return Ticket.ticket_no.in_(
        select(TicketDepartment.ticket_no).where(
            TicketDepartment.department == actor.department,
            TicketDepartment.status.in_(_IN_ITS_HANDS),
            *where,
        )
    )


@dataclass(frozen=True)
class QueueRule:
    key: str
    title: str
    role: Role
    due: str | None  # the deadline its rows count down to
    conditions: Callable[[AsyncSession, Actor], Awaitable[Conditions]]


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


async def _overdue(_: AsyncSession, actor: Actor) -> Conditions:
    return [_on_ticket(actor, TicketDepartment.overdue.is_(True))]


async def _supervised(_: AsyncSession, actor: Actor) -> Conditions:
    return [_on_ticket(actor, TicketDepartment.supervision_tier.is_not(None))]


async def _assisting(_: AsyncSession, actor: Actor) -> Conditions:
    return [
        _on_ticket(actor, TicketDepartment.lead.is_(False), TicketDepartment.delegated.is_(False))
    ]


def _owing(duty: Duty) -> Callable[[AsyncSession, Actor], Awaitable[Conditions]]:
    """The tickets on which this department owes ``duty`` (a part, a reply up, …)."""

    async def conditions(_: AsyncSession, actor: Actor) -> Conditions:
        return [_on_ticket(actor, TicketDepartment.duty == duty.value)]

    return conditions


async def _summoned(session: AsyncSession, actor: Actor) -> Conditions:
    """Tickets whose open joint meeting summoned this department, which has not reported
    in yet (吹哨报到)."""
    open_meetings = EscalationFilter(
        kind=EscalationKind.JOINT_MEETING, outcome=EscalationOutcome.OPEN
    )
    meetings, _ = await list_escalations(session, open_meetings, offset=0, limit=None)
    summoned = [m for m in meetings if actor.department in m.detail.get("departments", [])]
    reports = await child_reports(session, summoned, "joint_meeting_report_in")
    waiting = {
        m.ticket_no
        for m in summoned
        if actor.department
        not in [r.get("department") for r in reports.get((m.ticket_no, m.number), [])]
    }
    return [Ticket.ticket_no.in_(waiting)] if waiting else [false()]


QUEUES = (
    QueueRule("dispatch", N_("待派单"), Role.AGENT, "dispatch", _received),
    QueueRule("returned", N_("退单待审核"), Role.AGENT, None, _returned),
    QueueRule("handed-back", N_("110退回"), Role.AGENT, "dispatch", _handed_back),
    QueueRule("with-110", N_("转110待受理"), Role.AGENT, "police_acceptance", _with_110),
    QueueRule("extension", N_("延期待审核"), Role.AGENT, "reply", _extensions),
    QueueRule("suspension", N_("挂起待审核"), Role.AGENT, "reply", _suspensions),
    QueueRule("rating", N_("不满意待审核"), Role.AGENT, "callback", _unsatisfied),
    QueueRule("callback", N_("待回访"), Role.AGENT, "callback", _callbacks),
    QueueRule("meeting", N_("联席会议待报到"), Role.DEPARTMENT, "joint_meeting", _summoned),
    QueueRule("sign", N_("待签收"), Role.DEPARTMENT, "sign", _to_sign),
    QueueRule("handling", N_("办理中"), Role.DEPARTMENT, "reply", _in_hand),
    QueueRule("overdue", N_("已超时"), Role.DEPARTMENT, "reply", _overdue),
    QueueRule("suspended", N_("已挂起"), Role.DEPARTMENT, "suspended", _suspended),
    QueueRule("supervised", N_("督办中"), Role.DEPARTMENT, "supervision", _supervised),
    QueueRule("assisting", N_("协办"), Role.DEPARTMENT, "reply", _assisting),
    QueueRule("parts", N_("协办意见待提交"), Role.DEPARTMENT, PART_DUE, _owing(Duty.PART)),
    # 二级派单: what was passed down to this unit, and what it passed down.
    QueueRule(
        "delegated-sign",
        N_("下派待签收"),
        Role.DEPARTMENT,
        "delegated_reply",
        _owing(Duty.DELEGATED_SIGN),
    ),
    QueueRule(
        "delegated-reply",
        N_("下派待答复"),
        Role.DEPARTMENT,
        "delegated_reply",
        _owing(Duty.DELEGATED_REPLY),
    ),
    QueueRule(
        "delegated-review",
        N_("下级答复待审核"),
        Role.DEPARTMENT,
        "reply",
        _owing(Duty.DELEGATED_REVIEW),
    ),
    QueueRule(
        "passed-down",
        N_("已下派"),
        Role.DEPARTMENT,
        "delegated_reply",
        _owing(Duty.PASSED_DOWN),
    ),
)
BY_KEY = {rule.key: rule for rule in QUEUES}


@dataclass(frozen=True)
class Queue:
    rule: QueueRule
    count: int
    first: list[TicketView]
    department: str | None = None  # whose queue: its own part's deadline is shown

    def due(self, ticket: TicketView) -> datetime | None:
        """The deadline a row counts down to."""
        if self.rule.due == PART_DUE:
            owed = [p.due_at for p in ticket.parts if p.department == self.department]
            return owed[0] if owed else None
        return ticket.deadlines.get(self.rule.due) if self.rule.due else None


def queues_of(actor: Actor) -> list[QueueRule]:
    return [rule for rule in QUEUES if rule.role is actor.role]


async def filled(session: AsyncSession, actor: Actor, rule: QueueRule, rows: int = 20) -> Queue:
    """The queue's count and its longest-waiting rows, as this user may see them."""
    first = await filled_page(session, actor, rule, TicketSearch(page_size=rows))
    return Queue(rule, first.total, first.items, actor.department)


async def filled_page(
    session: AsyncSession, actor: Actor, rule: QueueRule, search: TicketSearch
) -> TicketPage:
    """The whole queue, a page at a time, narrowed by the search page's filters."""
    page, size = search.page, search.page_size
    items, total = await list_tickets(
        session,
        search.where(search.department),
        offset=(page - 1) * size,
        limit=size,
        also=await rule.conditions(session, actor),
        oldest_first=True,
    )
    shown = [shown_to(actor, item) for item in items]
    return TicketPage(items=shown, total=total, page=page, page_size=size)
