"""The ticket's message log (短信记录): what the hotline sent its citizen, and what came
back, for the centre's staff. The number is never shown: the log holds only its hash."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from schema.message_tables import StoredCitizenMessage, StoredInboundSms
from schema.ticket import Actor, Role
from services.context import AppContext
from services.errors import forbidden

MESSAGE_LOG_READERS = frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN})


@dataclass(frozen=True)
class SentMessage:
    at: datetime  # queued
    kind: str
    state: str
    reason: str | None
    sent_at: datetime | None
    attempts: int


@dataclass(frozen=True)
class Reply:
    at: datetime
    text: str
    outcome: str


@dataclass(frozen=True)
class MessageLog:
    sent: list[SentMessage]
    replies: list[Reply]


async def message_log(context: AppContext, actor: Actor, ticket_no: str) -> MessageLog:
    if actor.role not in MESSAGE_LOG_READERS:
        raise forbidden(f"role '{actor.role}' does not read the citizen's messages")
    async with context.sessions() as session:
        sent = await session.scalars(
            select(StoredCitizenMessage)
            .where(StoredCitizenMessage.ticket_no == ticket_no)
            .order_by(StoredCitizenMessage.created_at, StoredCitizenMessage.seq)
        )
        replies = await session.scalars(
            select(StoredInboundSms)
            .where(StoredInboundSms.ticket_no == ticket_no)
            .order_by(StoredInboundSms.at)
        )
        return MessageLog(
            [
                SentMessage(m.created_at, m.kind, m.state, m.reason, m.sent_at, m.attempts)
                for m in sent
            ],
            [Reply(r.at, r.text, r.outcome) for r in replies],
        )
