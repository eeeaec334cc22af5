"""The tables of the citizen's SMS: every message sent or due (the message log), the
numbers that opted out, and the messages citizens sent back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from schema.column_types import SealedJson, SealedText
from schema.table_base import Base


class StoredCitizenMessage(Base):
    """One message to a ticket's citizen, from queued to its delivery report. The phone is
    only its keyed hash here (``hotline.sealing``): the sender reads the number from the
    ticket's sealed document when it sends."""

    __tablename__ = "citizen_messages"
    __table_args__ = (
        Index("ix_citizen_messages_ticket_no_at", "ticket_no", "created_at"),
        Index("ix_citizen_messages_phone_sent", "phone_lookup", "sent_at"),
        Index("ix_citizen_messages_created_at", "created_at"),  # a period's figures
    )

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30))
    seq: Mapped[int] = mapped_column(Integer)  # the timeline event that caused it
    phone_lookup: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))  # why deferred, skipped, failed
    text: Mapped[str | None] = mapped_column(SealedText)  # as sent
    gateway: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    not_before: Mapped[datetime | None]  # quiet hours: not before the morning
    sent_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]  # the gateway's latest delivery report


class SmsOptOut(Base):
    """A number that asked for no more messages (退订): by its keyed hash."""

    __tablename__ = "sms_opt_outs"

    phone_lookup: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime]


class StoredInboundSms(Base):
    """A message a citizen sent the hotline's number, and what became of it."""

    __tablename__ = "sms_inbound"
    __table_args__ = (
        Index("ix_sms_inbound_ticket_no", "ticket_no"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    phone_lookup: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(SealedText)
    at: Mapped[datetime]
    ticket_no: Mapped[str | None] = mapped_column(String(40))  # the invitation it answered
    outcome: Mapped[str] = mapped_column(String(20))  # rated, noted, opted_out, unmatched


class CitizenCode(Base):
    """A code sent by SMS to a citizen's phone: to open their page without the SMS's link
    (``ticket_no`` set), or to confirm the phone of a report from the web form (随手拍:
    ``draft`` the report, until the code comes back). The code is sealed until it is
    sent, then only its keyed hash is kept to check it by."""

    __tablename__ = "citizen_codes"
    __table_args__ = (Index("ix_citizen_codes_phone_created", "phone_lookup", "created_at"),)

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # its message's id
    ticket_no: Mapped[str] = mapped_column(String(40))  # "web": a report not yet a ticket
    phone_lookup: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(SealedText)
    code: Mapped[str | None] = mapped_column(SealedText)  # cleared once sent
    draft: Mapped[dict[str, Any] | None] = mapped_column(SealedJson)
    digest: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
