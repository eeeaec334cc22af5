"""Writes a workflow's transitions into the SQL read model, idempotently.

A ticket's workflow is the only writer of its rows and publishes one transition at a
time, so the newest publication is the truth: it replaces the ticket row, the timeline
from its first event on, and the whole escalation ladder.

Replacing, rather than inserting what is new, is what keeps the read model equal to
Temporal's history after a crash. The publish runs as a local activity inside a
workflow task; if the worker or the server dies before that task is persisted, Temporal
hands the task out again and the replay may apply the same actions in another order,
or fewer of them. The rows the lost attempt wrote (event 5 = one progress note, a
notice, a rung) must not survive the attempt that counts (event 5 = another note).
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete
from temporalio import activity

from figures.ticket_facts import figures_row, timeline_facts
from hotline.database import WriteTransactions, upsert_fenced, upsert_rows
from hotline.sealing import sealer
from schema import delegation_chain as chain
from schema.activity_io import ActivityName, TicketRecord, Transition
from schema.escalation import Escalation
from schema.tables import (
    Duty,
    StoredEscalation,
    StoredNotification,
    Ticket,
    TicketDepartment,
    TicketEvent,
    TicketFigures,
)
from schema.ticket import DelegationStage, TicketStatus


def department_rows(record: TicketRecord) -> list[dict[str, object]]:
    """The ticket's departments (lead first, then assisting, then the units it is passed
    down to), for their queues (schema.tables.TicketDepartment)."""
    passed_to = record.passed_to  # every unit it went down to, those it is with now too
    codes = dict.fromkeys(
        c for c in (record.lead_department, *record.assisting_departments, *passed_to) if c
    )
    return [
        {
            "department": code,
            "ticket_no": record.ticket_no,
            "status": record.status.value,
            "lead": code == record.lead_department,
            "delegated": code in passed_to,
            "duty": duty_of(record, code),
            "overdue": record.overdue,
            "supervision_tier": record.supervision_tier.value if record.supervision_tier else None,
            "created_at": record.created_at,
        }
        for code in codes
    ]


def duty_of(record: TicketRecord, code: str) -> str | None:
    """What ``code`` owes on the ticket besides the lead's sign and reply (its queues)."""
    if record.status not in (TicketStatus.DISPATCHED, TicketStatus.HANDLING):
        return None
    if any(p.department == code and p.submitted_at is None for p in record.parts):
        return Duty.PART
    passed = record.delegations
    lowest = chain.lowest(passed)
    if lowest is None:
        return None
    if code == chain.reviewer(passed):
        return Duty.DELEGATED_REVIEW
    if code == chain.unit_below(passed):
        signed = lowest.stage is not DelegationStage.TO_SIGN
        return Duty.DELEGATED_REPLY if signed else Duty.DELEGATED_SIGN
    return Duty.PASSED_DOWN if code in (d.by for d in passed) else None


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
        "pending_review": record.pending_review.value if record.pending_review else None,
        "supervision_tier": record.supervision_tier.value if record.supervision_tier else None,
        "rework_count": record.rework_count,
        "closure_reason": record.closure_reason.value if record.closure_reason else None,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "closed_at": record.closed_at,
        "document": record.model_dump(mode="json"),  # its citizen sealed by the column type
        "phone_lookup": sealer().phone_lookup(record.citizen.phone),
    }


def escalation_row(record: Escalation) -> dict[str, object]:
    row = record.model_dump(mode="python")
    row["kind"] = record.kind.value
    row["tier"] = record.tier.value if record.tier else None
    row["outcome"] = record.outcome.value
    row["detail"] = record.model_dump(mode="json")["detail"]
    return row


def write_escalations(connection: Connection, records: list[Escalation]) -> None:
    """Upsert rungs; a row only moves forward in ``version`` (the ticket's event sequence)."""
    rows = [escalation_row(r) for r in records]
    upsert_rows(connection, StoredEscalation, rows, newer_by="version")


# Built once: each statement's construction and cache key cost more than its execution.
_DEPARTMENTS_OF = delete(TicketDepartment).where(TicketDepartment.ticket_no == bindparam("no"))
_REPLACED_FROM = tuple(
    delete(model).where(model.ticket_no == bindparam("no"), model.seq >= bindparam("seq"))
    for model in (TicketEvent, StoredNotification)
)
_RUNGS_BEYOND = delete(StoredEscalation).where(
    StoredEscalation.ticket_no == bindparam("no"), StoredEscalation.number > bindparam("number")
)


def write_transition(connection: Connection, transition: Transition) -> bool:
    """Write the transition unless a later writer has (returns whether it was written).
    Plain Core statements on one connection (``WriteTransactions``): the worker runs this
    after every accepted action, and the ORM's bookkeeping cost more than the writes."""
    ticket = transition.ticket
    no = ticket.ticket_no
    # A stale writer is refused by the fence: a local activity of an attempt that lost its
    # workflow task can still be retrying (against a database that was down, say) when the
    # attempt that counts has written; it must not overwrite it.
    # Two attempts at one task can share a fence; the one handed out later counts.
    row = {**ticket_row(ticket), "fence": transition.fence, "fence_at": transition.fence_at}
    if not upsert_fenced(connection, Ticket, row, fence="fence", tie="fence_at"):
        return False
    connection.execute(_DEPARTMENTS_OF, {"no": no})
    upsert_rows(connection, TicketDepartment, department_rows(ticket))
    # What this transition replaces: its events and anything after them, which only a
    # lost attempt can have written (``version`` is the ticket's last event).
    first_seq = transition.events[0].seq if transition.events else ticket.version + 1
    for replaced in _REPLACED_FROM:
        connection.execute(replaced, {"no": no, "seq": first_seq})
    connection.execute(_RUNGS_BEYOND, {"no": no, "number": len(transition.escalations)})
    upsert_rows(
        connection,
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
    upsert_rows(connection, StoredEscalation, [escalation_row(r) for r in transition.escalations])
    # Its counts for statistics, from the ticket and its timeline as now written.
    upsert_rows(connection, TicketFigures, [figures_row(timeline_facts(connection, ticket))])
    return True


class ReadModelActivities:
    def __init__(self, transactions: WriteTransactions) -> None:
        self._transactions = transactions

    @activity.defn(name=ActivityName.RECORD_TRANSITION)
    async def record_transition(self, transition: Transition) -> None:
        await self._transactions.run(write_transition, transition)
