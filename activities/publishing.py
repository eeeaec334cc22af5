"""Publishing a transition: the read model first, then the notifications, in one activity."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.notifications import Sender
from activities.read_model import write_escalations, write_transition
from schema.activity_io import ActivityName, Notification, Publication
from schema.escalation import Escalation, LateEscalationNews
from schema.tables import StoredEscalation, Ticket, TicketEvent


class PublishingActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], senders: Sequence[Sender]
    ) -> None:
        self._sessions = sessions
        self._senders = list(senders)
        # SQLite takes one writer at a time; the worker's writers queue here, in order,
        # rather than in SQLite's busy handler, whose sleeps starve a storm of them.
        bind = sessions.kw.get("bind")
        self._one_writer = (
            asyncio.Lock() if bind is not None and bind.dialect.name == "sqlite" else None
        )

    @activity.defn(name=ActivityName.PUBLISH_TRANSITION)
    async def publish_transition(self, publication: Publication) -> None:
        # Both steps are idempotent, so a retry after a partial failure repeats nothing.
        async with self._writing():
            async with self._sessions.begin() as session:
                written = await write_transition(session, publication.transition)
            if written:  # a stale attempt's notices are not sent
                await self._send(publication.notifications)

    def _writing(self) -> contextlib.AbstractAsyncContextManager[object]:
        return self._one_writer or contextlib.nullcontext()

    @activity.defn(name=ActivityName.RECORD_LATE_ESCALATION_NEWS)
    async def record_late_escalation_news(self, late: LateEscalationNews) -> None:
        """A referral's news after its ticket closed: the next timeline event, the rung's
        ending, and the notices. Its workflow no longer writes, so appending is safe."""
        async with self._writing():
            async with self._sessions.begin() as session:
                seq = await _append_late_event(session, late)
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


async def _append_late_event(session: AsyncSession, late: LateEscalationNews) -> int:
    """Write the news once (a retry finds its own event) and return the event's seq."""
    news = late.news
    same = await session.scalar(
        select(TicketEvent.seq).where(
            TicketEvent.ticket_no == late.ticket_no,
            TicketEvent.action == news.action,
            TicketEvent.at == news.at,
        )
    )
    if same is not None:
        return int(same)
    last = await session.scalar(
        select(func.max(TicketEvent.seq)).where(TicketEvent.ticket_no == late.ticket_no)
    )
    seq = int(last or 0) + 1
    detail = {"escalation": news.escalation_number, **news.model_dump(mode="json")["detail"]}
    session.add(
        TicketEvent(
            ticket_no=late.ticket_no,
            seq=seq,
            at=news.at,
            actor=news.actor,
            action=news.action,
            detail=detail,
        )
    )
    stored = await session.get(StoredEscalation, f"{late.ticket_no}/{news.escalation_number}")
    if stored is None:
        return seq
    record = Escalation.model_validate(stored, from_attributes=True)
    record.detail.update(detail)
    record.version = seq
    if news.outcome is not None and record.is_open:
        record.outcome = news.outcome
        record.ended_at = news.at
        record.ended_by = news.actor
    await write_escalations(session, [record])
    ticket = await session.get(Ticket, late.ticket_no)
    if ticket is not None and news.outcome is not None:  # the closed ticket's open rungs
        document = dict(ticket.document)
        document["open_escalations"] = [
            e for e in document.get("open_escalations", []) if e.get("id") != record.id
        ]
        ticket.document = document
    return seq
