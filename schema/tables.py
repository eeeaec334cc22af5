"""The SQL read model: projections of ticket workflows, plus the catalogue data.

Live tickets are owned by their workflows; these tables serve lists, search,
statistics and closed tickets. Migrations live in ``hotline/migrations``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from schema import knowledge_tables  # noqa: F401 (its tables are in Base.metadata too)
from schema.account_tables import SignInFailures, User, WebSession
from schema.attachment_tables import StoredAttachment
from schema.column_types import SealedDocument, SealedJson, SealedText, UtcDateTime
from schema.counts import COUNTED
from schema.message_tables import CitizenCode, SmsOptOut, StoredCitizenMessage, StoredInboundSms
from schema.table_base import Base


class Department(Base):
    """A handling unit (承办单位), a district or township government, or the centre."""

    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # department | district_government | township
    district: Mapped[str | None] = mapped_column(String(100), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The unit above it (二级派单: district government → street → community; bureau →
    # branch); None at the top. Changes are in the catalogue's history like any other.
    parent: Mapped[str | None] = mapped_column(String(64), index=True)


class RoutingRule(Base):
    """A row of the dispatch catalogue (派单目录); ``district`` NULL means every district."""

    __tablename__ = "routing_rules"
    __table_args__ = (
        Index("ix_routing_rules_category_district", "category", "district"),
        # A deleted rule's id is never given again: the change history keys on it.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    category: Mapped[str] = mapped_column(String(100))
    district: Mapped[str | None] = mapped_column(String(100))
    lead: Mapped[str] = mapped_column(String(64))
    assisting: Mapped[list[str]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(SealedText)


class CategoryNode(Base):
    """A node of the request categories (诉求分类): 一级 / 二级 / 三级, each level two more
    digits of its code (GB/T 39666's 2+2+2 shape). A ticket and a rule name a node."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent: Mapped[str | None] = mapped_column(String(100), index=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))  # English, for the English pages
    description: Mapped[str | None] = mapped_column(String(1000))
    synonyms: Mapped[list[str]] = mapped_column(default=list)  # how citizens say it
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Place(Base):
    """A district (区县) or a street (街道/乡镇) under one, by its Chinese name: where a
    ticket is. A unit's ``district`` and a rule's name a district's code."""

    __tablename__ = "places"

    code: Mapped[str] = mapped_column(String(100), primary_key=True)
    parent: Mapped[str | None] = mapped_column(String(100), index=True)  # a street's district
    name_zh: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))


class CatalogueChange(Base):
    """Who changed the departments or the dispatch catalogue, when, from what, to what, why."""

    __tablename__ = "catalogue_changes"
    __table_args__ = (Index("ix_catalogue_changes_entity_key", "entity", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(32))  # department | routing_rule
    key: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))  # created | updated | deleted
    # Sealed: the reason is the admin's words, and a rule's note is in before and after.
    before: Mapped[dict[str, Any] | None] = mapped_column(SealedJson)
    after: Mapped[dict[str, Any] | None] = mapped_column(SealedJson)
    note: Mapped[str | None] = mapped_column(SealedText)


class Report(Base):
    """A periodic report (daily report, bulletins, …) as its workflow compiled it."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # e.g. daily-2026-11-21
    kind: Mapped[str] = mapped_column(String(32), index=True)
    period_from: Mapped[datetime]
    period_to: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(index=True)
    content: Mapped[dict[str, Any]] = mapped_column(SealedJson)  # quotes tickets' texts
    markdown: Mapped[str] = mapped_column(SealedText)


class Ticket(Base):
    """One row per ticket: filter columns, and the full record as a JSON document."""

    __tablename__ = "tickets"
    # Lists filter by status and page newest first: one index serves both, without a sort.
    # The workbench's queues: by status and lead, or by the review owed, in waiting order,
    # from the index alone (no row is read); a department's others by TicketDepartment.
    __table_args__ = (
        Index("ix_tickets_status_created_at", "status", "created_at", "ticket_no"),
        Index("ix_tickets_status_lead", "status", "lead_department", "created_at", "ticket_no"),
        Index("ix_tickets_status_review", "status", "pending_review", "created_at", "ticket_no"),
        # The board's overdue tickets by lead, and a district's open or in one status,
        # counted from the index alone.
        Index("ix_tickets_overdue_status_lead", "overdue", "status", "lead_department"),
        Index("ix_tickets_district_status", "district", "status"),
    )

    ticket_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True)
    type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(100), index=True)
    urgency: Mapped[str] = mapped_column(String(20))
    district: Mapped[str] = mapped_column(String(100), index=True)
    lead_department: Mapped[str | None] = mapped_column(String(64), index=True)
    # ",lead,assisting1,assisting2," so one LIKE finds every ticket a department is on.
    department_codes: Mapped[str] = mapped_column(String(1400), default=",")
    overdue: Mapped[bool] = mapped_column(Boolean, index=True)
    escalation_level: Mapped[int] = mapped_column(Integer, index=True)
    # What the workbench's queues select on: a review the centre owes, a standing order.
    pending_review: Mapped[str | None] = mapped_column(String(20))
    supervision_tier: Mapped[str | None] = mapped_column(String(16))
    rework_count: Mapped[int] = mapped_column(Integer)
    closure_reason: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    document: Mapped[dict[str, Any]] = mapped_column(SealedDocument)
    # The fence of the publication that wrote it (activities.read_model): no lower one may;
    # at an equal fence, no attempt at the task handed out before this one's (fence_at).
    fence: Mapped[int | None] = mapped_column(BigInteger)
    fence_at: Mapped[datetime | None]
    # The citizen's phone as a keyed hash (hotline.sealing): their earlier tickets, by number.
    phone_lookup: Mapped[str | None] = mapped_column(String(64), index=True)


class Duty(StrEnum):
    """What a department owes on a ticket other than the lead's sign and reply."""

    PART = "part"  # 协办意见 not given yet
    DELEGATED_SIGN = "delegated_sign"  # passed down to it, not signed for yet
    DELEGATED_REPLY = "delegated_reply"  # passed down to it: a reply up
    DELEGATED_REVIEW = "delegated_review"  # the unit below replied up: a review
    PASSED_DOWN = "passed_down"  # it passed the ticket down and waits on the unit below


def _only(sqlite: str, postgresql: str) -> dict[str, Any]:
    """An index's condition, as each database's queries spell it (so it is matched)."""
    return {"sqlite_where": text(sqlite), "postgresql_where": text(postgresql)}


# Each of a department's queues of its own rows (services.queues): the rows it can hold,
# as its index's condition, so its index holds those rows only.
QUEUE_ROWS: dict[str, dict[str, Any]] = {
    "overdue": _only("overdue IS 1", "overdue IS true"),
    "supervised": _only("supervision_tier IS NOT NULL", "supervision_tier IS NOT NULL"),
    "assisting": _only("lead IS 0 AND delegated IS 0", "lead IS false AND delegated IS false"),
    "duty": _only("duty IS NOT NULL", "duty IS NOT NULL"),
}


class TicketDepartment(Base):
    """Which departments are on a ticket (lead or assisting), with what a department's
    queues select on: a department's open tickets by index, never by scanning them all."""

    __tablename__ = "ticket_departments"
    # Each queue of a department's own rows (overdue, supervised, assisting, a duty owed)
    # has its index: the department's rows the queue can hold, in waiting order, so a
    # page is read in order and a count from the index alone, status too.
    __table_args__ = (
        Index("ix_ticket_departments_queue", "department", "status", "created_at", "ticket_no"),
        *(
            Index(
                f"ix_ticket_departments_{name}",
                "department",
                "created_at",
                "ticket_no",
                "status",
                **only,
            )
            for name, only in QUEUE_ROWS.items()
        ),
    )

    department: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Its own index: every transition replaces the ticket's rows, found by the ticket.
    ticket_no: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    status: Mapped[str] = mapped_column(String(20))
    lead: Mapped[bool] = mapped_column(Boolean)
    # Passed down to it from the lead (二级派单), not dispatched to it by the centre.
    delegated: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the department owes on the ticket besides the lead's sign and reply (Duty).
    duty: Mapped[str | None] = mapped_column(String(20))
    overdue: Mapped[bool] = mapped_column(Boolean)
    supervision_tier: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime]


# The sets each ticket is counted in (figures.statistics.Counts), one column each; a
# row is one ticket, so "tickets" is the rows' count.
FIGURE_COLUMNS = tuple(name for name in COUNTED if name != "tickets")


class TicketFigures(Base):
    """Each ticket's counts for statistics (0 or 1 per set of docs/statistics.md), written
    with every transition: a period's figures are sums over a range of ``created_at``.
    On SQLite the rows are stored in that order (no rowid), so a period is read in one
    sweep."""

    __table__ = Table(
        "ticket_figures",
        Base.metadata,
        Column("created_at", UtcDateTime(), primary_key=True),
        Column("ticket_no", String(40), primary_key=True),
        Column("lead_department", String(64), nullable=True),
        *(Column(name, SmallInteger(), nullable=False) for name in FIGURE_COLUMNS),
        sqlite_with_rowid=False,
    )


class TicketEvent(Base):
    """The timeline (留痕): ``seq`` is the workflow's own counter, so replays never duplicate."""

    __tablename__ = "ticket_events"

    ticket_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(SealedJson)  # notes, reasons, replies


class StoredNotification(Base):
    """Messages kept by the database sender, readable back through the API."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_at", "recipient", "at"),
        Index("ix_notifications_ticket_no_seq", "ticket_no", "seq"),
    )

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(40), index=True)
    seq: Mapped[int | None] = mapped_column(Integer)  # the timeline event it tells of
    recipient: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(SealedText)
    at: Mapped[datetime]


class TicketCounter(Base):
    """Daily ticket-number sequence, incremented atomically by every API replica."""

    __tablename__ = "ticket_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class IntakeKey(Base):
    """``Idempotency-Key`` → ticket number, so a retried intake returns the same ticket.

    ``key`` is the caller's key scoped to the caller (``services.idempotency.scoped_key``);
    ``fingerprint`` is the request body's, so a key reused for another body is refused."""

    __tablename__ = "intake_keys"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str | None] = mapped_column(String(64))  # None: kept from before
    created_at: Mapped[datetime]


class StoredEscalation(Base):
    """One rung of the escalation ladder on one ticket (schema.escalation.Escalation)."""

    __tablename__ = "escalations"
    # The open rungs of a kind, newest first (the board's lists, a department's meetings),
    # and the board's count of open rungs by kind and tier, from the index alone.
    __table_args__ = (
        Index("ix_escalations_outcome_kind", "outcome", "kind", "raised_at", "id", "tier"),
    )

    id: Mapped[str] = mapped_column(String(60), primary_key=True)  # "<ticket_no>/<number>"
    ticket_no: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    level: Mapped[int] = mapped_column(Integer, index=True)
    tier: Mapped[str | None] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(64), index=True)
    step: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(SealedText)
    raised_by: Mapped[str] = mapped_column(String(200))
    raised_at: Mapped[datetime] = mapped_column(index=True)
    due_at: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(20), index=True)
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(200))
    workflow_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(SealedJson)  # agendas, plans, notes
    version: Mapped[int] = mapped_column(Integer)


class ActionKey(Base):
    """An action's ``Idempotency-Key``, scoped to the caller: which ticket and action it
    named, with which body. A key reused for another body or ticket is refused (422)."""

    __tablename__ = "action_keys"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(index=True)


class InternalNote(Base):
    """内部备注: a note one unit's staff leave another on a ticket (services.internal_notes).
    Read-model data, not the ticket's workflow state; never shown to citizens or partners."""

    __tablename__ = "internal_notes"
    __table_args__ = (
        Index("ix_internal_notes_ticket_no_at", "ticket_no", "at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_no: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))  # the username
    author_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(64))  # None: the centre
    text: Mapped[str] = mapped_column(SealedText)


class NotificationRead(Base):
    """Which of the bell's notifications (``notifications.id``) a user has marked read."""

    __tablename__ = "notification_reads"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    notification_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    read_at: Mapped[datetime]


# The accounts' tables live in their own module (imported above, so they are in
# ``Base.metadata`` wherever the tables are); their names are kept here too.
__all__ = [
    "Base",
    "CitizenCode",
    "SignInFailures",
    "SmsOptOut",
    "StoredAttachment",
    "StoredCitizenMessage",
    "StoredInboundSms",
    "User",
    "WebSession",
]
