"""Publishing a transition: the read model first, then the notifications and the citizen's
messages queued, in one activity."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, insert, select, update
from temporalio import activity
from temporalio.client import Client

from activities.citizen_messages import CitizenMessageQueue
from activities.notifications import Sender
from activities.read_model import write_escalations, write_transition
from hotline.database import WriteTransactions
from hotline.temporal import put_first_in_line
from schema.activity_io import ActivityName, Notification, Publication
from schema.escalation import Escalation, LateEscalationNews, SupervisionTier
from schema.tables import StoredEscalation, Ticket, TicketEvent
from workflows.ids import ticket_workflow_id


class PublishingActivities:
    def __init__(
        self,
        transactions: WriteTransactions,
        senders: Sequence[Sender],
        client: Client | None = None,
        citizen_messages: CitizenMessageQueue | None = None,
    ) -> None:
        # On SQLite, the worker's writers queue in order in ``WriteTransactions``' one
        # thread, rather than in SQLite's busy handler, whose sleeps starve a storm of them.
        self._transactions = transactions
        self._senders = list(senders)
        self._client = client  # to put red-tier tickets first in line
        self._citizen_messages = citizen_messages  # None: no SMS gateway configured

    @activity.defn(name=ActivityName.PUBLISH_TRANSITION)
    async def publish_transition(self, publication: Publication) -> None:
        # Every step is idempotent, so a retry after a partial failure repeats nothing.
        transition = publication.transition
        written = await self._transactions.run(write_transition, transition)
        if not written:  # a stale attempt's notices are not sent
            return
        await self._send(publication.notifications)
        if self._citizen_messages is not None:
            await self._citizen_messages.queue(transition)
        ticket = transition.ticket
        if self._client is not None and ticket.supervision_tier is SupervisionTier.RED:
            workflow_id = ticket_workflow_id(ticket.ticket_no)
            await put_first_in_line(self._client, workflow_id, ticket.district)

    @activity.defn(name=ActivityName.RECORD_LATE_ESCALATION_NEWS)
    async def record_late_escalation_news(self, late: LateEscalationNews) -> None:
        """A referral's news after its ticket closed: the next timeline event, the rung's
        ending, and the notices. Its workflow no longer writes, so appending is safe."""
        seq = await self._transactions.run(_append_late_event, late)
        news = late.news
        await self._send(
            [
                Notification(
                    id=f"{late.ticket_no}:{seq}:{notice.recipient}",
                    ticket_no=late.ticket_no,
                    recipient=notice.recipient,
                    kind=news.action,
                    message=notice.message,
                    at=news.at,
                    seq=seq,
                )
                for notice in news.notices
            ]
        )

    async def _send(self, notifications: list[Notification]) -> None:
        if notifications:
            for sender in self._senders:
                await sender.send(notifications)


def _append_late_event(connection: Connection, late: LateEscalationNews) -> int:
    """Write the news once (a retry finds its own event) and return the event's seq."""
    news = late.news
    same = connection.scalar(
        select(TicketEvent.seq).where(
            TicketEvent.ticket_no == late.ticket_no,
            TicketEvent.action == news.action,
            TicketEvent.at == news.at,
        )
    )
    if same is not None:
        return int(same)
    last = connection.scalar(
        select(func.max(TicketEvent.seq)).where(TicketEvent.ticket_no == late.ticket_no)
    )
    seq = int(last or 0) + 1
    detail = {"escalation": news.escalation_number, **news.model_dump(mode="json")["detail"]}
    connection.execute(
        insert(TicketEvent).values(
            ticket_no=late.ticket_no,
            seq=seq,
            at=news.at,
            actor=news.actor,
            action=news.action,
            detail=detail,
        )
    )
    stored = connection.execute(
        select(StoredEscalation).where(
            StoredEscalation.id == f"{late.ticket_no}/{news.escalation_number}"
        )
    ).first()
    if stored is None:
        return seq
    record = Escalation.model_validate(stored, from_attributes=True)
    record.detail.update(detail)
    record.version = seq
    if news.outcome is not None and record.is_open:
        record.outcome = news.outcome
        record.ended_at = news.at
        record.ended_by = news.actor
    write_escalations(connection, [record])
    document = connection.scalar(select(Ticket.document).where(Ticket.ticket_no == late.ticket_no))
    if document is not None and news.outcome is not None:  # the closed ticket's open rungs
        document = dict(document)
        document["open_escalations"] = [
            e for e in document.get("open_escalations", []) if e.get("id") != record.id
        ]
        connection.execute(
            update(Ticket).where(Ticket.ticket_no == late.ticket_no).values(document=document)
        )
    return seq
