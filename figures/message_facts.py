"""The SMS delivery figures of a period: per kind of message (受理回执, 回访邀请, …), how
many were queued, reached the handset, failed, were never sent (opted out, or the event
gone) and are still on their way; counted by the database over the messages queued in
the period."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.citizen_messages import GATEWAY_HAS_IT, DeliveryState, MessageKind
from schema.message_tables import StoredCitizenMessage


class MessageFigures(BaseModel):
    kind: MessageKind
    queued: int  # all of this kind queued in the period
    delivered: int  # the handset's delivery report came back
    failed: int
    skipped: int  # never sent: the number opted out, or what it told of is gone
    on_the_way: int  # queued, deferred (quiet hours or the number's hourly limit), sending
    # With the gateway or its network, no handset report (yet: some gateways send none).
    unconfirmed: int
    # Delivered of those that were to be sent; None while none were.
    delivery_rate: float | None


async def message_figures(
    session: AsyncSession, *, queued_from: datetime, queued_to: datetime
) -> list[MessageFigures]:
    rows = StoredCitizenMessage
    counted = await session.execute(
        select(rows.kind, rows.state, func.count())
        .where(rows.created_at >= queued_from, rows.created_at < queued_to)
        .group_by(rows.kind, rows.state)
    )
    by_kind: dict[str, dict[str, int]] = {}
    for kind, state, count in counted:
        by_kind.setdefault(kind, {})[state] = count
    figures = []
    for kind in MessageKind:
        states = by_kind.get(kind.value, {})
        queued = sum(states.values())
        delivered = states.get(DeliveryState.DELIVERED.value, 0)
        failed = states.get(DeliveryState.FAILED.value, 0)
        skipped = states.get(DeliveryState.SKIPPED.value, 0)
        to_send = queued - skipped
        unconfirmed = sum(states.get(state.value, 0) for state in GATEWAY_HAS_IT) - delivered
        figures.append(
            MessageFigures(
                kind=kind,
                queued=queued,
                delivered=delivered,
                failed=failed,
                skipped=skipped,
                on_the_way=to_send - delivered - failed - unconfirmed,
                unconfirmed=unconfirmed,
                delivery_rate=round(delivered / to_send, 4) if to_send else None,
            )
        )
    return figures
