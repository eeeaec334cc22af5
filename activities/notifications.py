"""Notifications to departments and the centre, through interchangeable senders.

``database`` keeps every message so it can be read back (``GET /v1/notifications``);
``log`` writes it to the structured log. A deployment adds SMS or a government
messaging app by writing another ``Sender``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import structlog
from temporalio import activity

from hotline.database import WriteTransactions, upsert_rows
from schema.activity_io import ActivityName, Notification
from schema.tables import StoredNotification

log = structlog.get_logger(__name__)


class Sender(Protocol):
    async def send(self, notifications: Sequence[Notification]) -> None: ...


class DatabaseSender:
    def __init__(self, transactions: WriteTransactions) -> None:
        self._transactions = transactions

    async def send(self, notifications: Sequence[Notification]) -> None:
        # Same id, newest message: a replayed workflow task may tell of another event.
        rows = [n.model_dump() for n in notifications]
        await self._transactions.run(upsert_rows, StoredNotification, rows)


class LogSender:
    async def send(self, notifications: Sequence[Notification]) -> None:
        for n in notifications:
            log.info(
                "notification",
                notification_id=n.id,
                ticket_no=n.ticket_no,
                recipient=n.recipient,
                kind=n.kind,
                message=n.message,
            )


def build_senders(names: Sequence[str], transactions: WriteTransactions) -> list[Sender]:
    known: dict[str, Callable[[], Sender]] = {
        "database": lambda: DatabaseSender(transactions),
        "log": LogSender,
    }
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown notification sender(s) {unknown}; known: {sorted(known)}")
    return [known[name]() for name in names]


class NotificationActivities:
    def __init__(self, senders: Sequence[Sender]) -> None:
        self._senders = list(senders)

    @activity.defn(name=ActivityName.SEND_NOTIFICATIONS)
    async def send_notifications(self, notifications: list[Notification]) -> None:
        for sender in self._senders:
            await sender.send(notifications)
