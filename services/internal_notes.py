"""Internal notes (内部备注): what the staff of the units on a ticket and the centre tell
each other about it, beside the ticket rather than in it.

Notes are read-model data, not workflow state: they change nothing a deadline, a rule
or a figure reads, so the ticket's workflow need not order them, replay them or carry
them through continue-as-new, and writing one needs no running workflow (a closed or
archived ticket takes notes too). Keeping them out of the ticket's document also keeps
them out of everything built from it: the citizen's page, the API's and Open311's ticket
bodies, the exports and the reports. They are read here only, by the centre's staff
(agent, supervisor, admin) and the departments that may read the ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from schema.tables import InternalNote
from schema.ticket import Actor, Role
from services.context import AppContext
from services.errors import ServiceError, forbidden
from services.tickets import check_department_sees, current_ticket

NOTE_READERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.DEPARTMENT})
MAX_NOTE = 2000


@dataclass(frozen=True)
class Note:
    at: datetime
    author_name: str
    role: Role
    department: str | None  # None: the centre
    text: str


async def check_reads_notes(context: AppContext, actor: Actor, ticket_no: str) -> None:
    """Staff of the centre, or of a unit that may read the ticket; 403 for anyone else."""
    if actor.role not in NOTE_READERS:
        raise forbidden(f"role '{actor.role}' does not read internal notes")
    await check_department_sees(context, actor, await current_ticket(context, ticket_no))


async def notes_of(context: AppContext, actor: Actor, ticket_no: str) -> list[Note]:
    """The ticket's notes, oldest first, if this reader may read them."""
    await check_reads_notes(context, actor, ticket_no)
    async with context.sessions() as session:
        rows = await session.scalars(
            select(InternalNote)
            .where(InternalNote.ticket_no == ticket_no)
            .order_by(InternalNote.at, InternalNote.id)
        )
        # Every reader of notes reads citizens too (CITIZEN_READERS): nothing to mask.
        return [Note(r.at, r.author_name, Role(r.role), r.department, r.text) for r in rows]


async def add_note(
    context: AppContext, actor: Actor, ticket_no: str, author_name: str, text: str
) -> None:
    """Leave a note on the ticket, as this reader (who must be one that reads them)."""
    text = text.strip()
    if not text:
        raise ServiceError(422, "empty_note", "an internal note needs a text")
    if len(text) > MAX_NOTE:
        raise ServiceError(422, "note_too_long", f"an internal note holds at most {MAX_NOTE}")
    await check_reads_notes(context, actor, ticket_no)
    async with context.sessions.begin() as session:
        session.add(
            InternalNote(
                ticket_no=ticket_no,
                at=datetime.now(UTC),
                author=actor.sub,
                author_name=author_name,
                role=actor.role.value,
                department=actor.department if actor.role is Role.DEPARTMENT else None,
                text=text,
            )
        )
