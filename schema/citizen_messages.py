"""Messages to the citizen (短信): which events send one, the policy that governs them, and
the one message a delivery workflow carries. Pure: the workflow imports it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from schema.ticket import TicketStatus


class MessageKind(StrEnum):
    RECEIPT = "receipt"  # 受理回执, with the ticket number
    CALLBACK_INVITE = "callback_invite"  # 回访邀请: reply 1 / 2 / 3
    CLOSED = "closed"  # 办结通知
    SUPPLEMENT = "supplement"  # 补充材料提醒: the lead waits for the citizen's materials
    CODE = "code"  # 验证码: asked for on the citizen's page, to open their ticket there


class DeliveryState(StrEnum):
    QUEUED = "queued"
    DEFERRED = "deferred"  # quiet hours, or the number's hourly limit
    SENDING = "sending"  # handed to the gateway; no answer recorded yet
    SENT = "sent"  # the gateway took it
    ACCEPTED = "accepted"  # the operator's network took it (Kannel's SMSC report)
    DELIVERED = "delivered"  # the handset's delivery report
    FAILED = "failed"
    SKIPPED = "skipped"  # not sent: the number opted out, or the event is gone


# States a retried send must not send again from.
GATEWAY_HAS_IT = frozenset({DeliveryState.SENT, DeliveryState.ACCEPTED, DeliveryState.DELIVERED})


class SmsPolicy(BaseModel):
    """Which events the citizen hears of by SMS, and when the hotline may send one."""

    model_config = ConfigDict(extra="forbid")

    events: list[MessageKind] = Field(default_factory=lambda: list(MessageKind))
    # No SMS between these hours, city time: a message due then waits for the morning.
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)
    # At most this many messages to one number in an hour; more wait their turn.
    per_number_per_hour: int = Field(default=5, ge=1, le=100)
    # A reply of 1 / 2 / 3 rates the ticket whose invitation went out this recently.
    reply_window_hours: int = Field(default=72, ge=1, le=24 * 30)


class CitizenMessage(BaseModel):
    """One message to a ticket's citizen. ``id`` is fixed by the ticket's history (the
    ticket, the kind, the timeline event that caused it): its delivery workflow is started
    under it once, the gateway is told it, and its delivery report comes back with it."""

    id: str
    ticket_no: str
    kind: MessageKind
    seq: int  # the timeline event that caused it
    at: datetime  # when that event happened
    timezone: str = "Asia/Shanghai"
    quiet_from: time = time(21, 0)
    quiet_until: time = time(8, 0)


def message_id(ticket_no: str, kind: MessageKind, seq: int) -> str:
    return f"{ticket_no}:{kind.value}:{seq}"


# The timeline actions after which the citizen is told, and what of.
_INVITING = {"replied", "answered", "delegated_reply_accepted"}
CITIZEN_SUPPLEMENT_REASON = "等待市民补充材料"


def kind_for(action: str, status: TicketStatus, detail: Mapping[str, object]) -> MessageKind | None:
    """The message one timeline event sends the citizen, if any; ``status`` is the
    ticket's after the transition that recorded it."""
    if action == "received":
        return MessageKind.RECEIPT
    if action in _INVITING and status is TicketStatus.CALLBACK:
        return MessageKind.CALLBACK_INVITE
    if action == "closed":
        return MessageKind.CLOSED
    if action == "suspension_approved" and detail.get("reason") == CITIZEN_SUPPLEMENT_REASON:
        return MessageKind.SUPPLEMENT
    return None


def wait_for_quiet_hours(message: CitizenMessage, now: datetime) -> timedelta:
    """How long a message must wait before it may go out (zero outside quiet hours)."""
    local = now.astimezone(ZoneInfo(message.timezone))
    start, end = message.quiet_from, message.quiet_until
    clock = local.time()
    if start == end:
        return timedelta(0)
    quiet = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not quiet:
        return timedelta(0)
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until - local
