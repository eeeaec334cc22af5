"""The bell in the top bar: the notices addressed to a user's inboxes, which of them this
user has read (``notification_reads``), and how many not yet.

Everything is counted and marked in SQL: a department's inbox may hold thousands of
notices, and the bell asks every 30 seconds on every open page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import and_, exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from hotline.database import upsert
from schema.column_types import UtcDateTime
from schema.tables import NotificationRead, StoredNotification, Ticket
from schema.ticket import Actor, Role
from workflows.ticket.news import CENTRE, DISCIPLINE_COMMISSION, SUPERVISORS

# Beyond this the badge says "99+": the count stops scanning there.
COUNT_CAP = 99
PAGE_SIZE = 20

Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class BellNotice:
    """One notice as the list shows it: what happened, on which ticket, read or not."""

    id: str
    ticket_no: str
    kind: str
    at: datetime
    read: bool
    category: str | None  # the ticket's, from the read model (None if not there yet)
    lead_department: str | None


def inboxes_of(actor: Actor) -> tuple[str, ...]:
    """The recipients whose notices this user's bell rings for: a department its own code,
    the centre's staff the centre's inbox, supervisors theirs too, the commission its own."""
    match actor.role:
        case Role.DEPARTMENT:
            return (actor.department,) if actor.department else ()
        case Role.SUPERVISOR:
            return (SUPERVISORS, CENTRE)
        case Role.DISCIPLINE:
            return (DISCIPLINE_COMMISSION,)
        case Role.AGENT | Role.ADMIN:
            return (CENTRE,)
    return ()


def _unread(username: str, inboxes: Sequence[str]) -> ColumnElement[bool]:
    """A notice in these inboxes that this user has not marked read (the reads' primary key
    answers the NOT EXISTS; the recipient index the IN)."""
    marked = exists().where(
        NotificationRead.username == username,
        NotificationRead.notification_id == StoredNotification.id,
    )
    return and_(StoredNotification.recipient.in_(inboxes), ~marked)


async def unread_count(sessions: Sessions, username: str, inboxes: Sequence[str]) -> int:
    """How many unread, counted up to ``COUNT_CAP + 1`` (the badge's "99+")."""
    if not inboxes:
        return 0
    capped = (
        select(StoredNotification.id)
        .where(_unread(username, inboxes))
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(capped))).scalar_one())


async def notices(
    sessions: Sessions, username: str, inboxes: Sequence[str], *, page: int = 1
) -> tuple[list[BellNotice], bool]:
    """One page of this user's notices, newest first, and whether an older page follows."""
    if not inboxes:
        return [], False
    read = NotificationRead
    query = (
        select(
            StoredNotification.id,
            StoredNotification.ticket_no,
            StoredNotification.kind,
            StoredNotification.at,
            read.notification_id.is_not(None).label("read"),
            Ticket.category,
            Ticket.lead_department,
        )
        .outerjoin(
            read, and_(read.notification_id == StoredNotification.id, read.username == username)
        )
        .outerjoin(Ticket, Ticket.ticket_no == StoredNotification.ticket_no)
        .where(StoredNotification.recipient.in_(inboxes))
        # One event told to several inboxes shares its instant: then by id, a stable order.
        .order_by(StoredNotification.at.desc(), StoredNotification.id)
        .offset((max(page, 1) - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    async with sessions() as session:
        rows = (await session.execute(query)).all()
    found = [
        BellNotice(
            id=row.id,
            ticket_no=row.ticket_no,
            kind=row.kind,
            at=row.at,
            read=bool(row.read),
            category=row.category,
            lead_department=row.lead_department,
        )
        for row in rows
    ]
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


async def mark_read(
    sessions: Sessions, username: str, inboxes: Sequence[str], notification_id: str
) -> str | None:
    """Mark one notice read for this user; its ticket, or None if it is not in their
    inboxes (nobody marks, or learns of, another unit's notices)."""
    if not inboxes:
        return None
    async with sessions.begin() as session:
        ticket_no = (
            await session.execute(
                select(StoredNotification.ticket_no).where(
                    StoredNotification.id == notification_id,
                    StoredNotification.recipient.in_(inboxes),
                )
            )
        ).scalar_one_or_none()
        if ticket_no is None:
            return None
        row = {"username": username, "notification_id": notification_id}
        await upsert(session, NotificationRead, [{**row, "read_at": datetime.now(UTC)}])
    return ticket_no


async def mark_all_read(sessions: Sessions, username: str, inboxes: Sequence[str]) -> None:
    """Mark every unread notice in these inboxes read for this user, in one INSERT … SELECT
    (no notice is loaded here)."""
    if not inboxes:
        return
    now = datetime.now(UTC)
    statement = insert(NotificationRead).from_select(
        ["username", "notification_id", "read_at"],
        select(literal(username), StoredNotification.id, literal(now, UtcDateTime())).where(
            _unread(username, inboxes)
        ),
    )
    for attempt in range(2):
        try:
            async with sessions.begin() as session:
                await session.execute(statement)
            return
        except IntegrityError:  # another tab marked one of them meanwhile: once more
            if attempt:
                raise
