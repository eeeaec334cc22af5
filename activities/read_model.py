"""Writes a workflow's transitions into the SQL read model, idempotently.

A retried or replayed activity writes the same rows again: events are keyed by the
workflow's own sequence number, and a ticket row only moves forward in ``version``.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from hotline.database import insert_new, upsert
from schema.activity_io import ActivityName, TicketRecord, Transition
from schema.escalation import Escalation
from schema.tables import StoredEscalation, Ticket, TicketEvent


def ticket_row(record: TicketRecord) -> dict[str, object]:
    departments = [record.lead_department or "", *record.assisting_departments]
    return {
        "ticket_no": record.ticket_no,
        "version": record.version,
        "status": record.status.value,
        "type": record.type.value,
        "category": record.category,
        "urgency": record.urgency.value,
        "district": record.district,
        "lead_department": record.lead_department,
        "department_codes": "," + ",".join(code for code in departments if code) + ",",
        "overdue": record.overdue,
        "escalation_level": record.escalation_level,
        "rework_count": record.rework_count,
        "closure_reason": record.closure_reason.value if record.closure_reason else None,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "closed_at": record.closed_at,
        "document": record.model_dump(mode="json"),
    }


def escalation_row(record: Escalation) -> dict[str, object]:
    row = record.model_dump(mode="python")
    row["kind"] = record.kind.value
    row["tier"] = record.tier.value if record.tier else None
    row["outcome"] = record.outcome.value
    row["detail"] = record.model_dump(mode="json")["detail"]
    return row


async def write_escalations(session: AsyncSession, records: list[Escalation]) -> None:
    """Upsert rungs; a row only moves forward in ``version`` (the ticket's event sequence)."""
    rows = [escalation_row(r) for r in records]
    await upsert(session, StoredEscalation, rows, newer_by="version")


async def write_transition(session: AsyncSession, transition: Transition) -> None:
    await upsert(session, Ticket, [ticket_row(transition.ticket)], newer_by="version")
    await insert_new(
        session,
        TicketEvent,
        [
            {
                "ticket_no": transition.ticket.ticket_no,
                "seq": event.seq,
                "at": event.at,
                "actor": event.actor,
                "action": event.action,
                "detail": event.model_dump(mode="json")["detail"],
            }
            for event in transition.events
        ],
    )
    await write_escalations(session, transition.escalations)


class ReadModelActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name=ActivityName.RECORD_TRANSITION)
    async def record_transition(self, transition: Transition) -> None:
        async with self._sessions.begin() as session:
            await write_transition(session, transition)
