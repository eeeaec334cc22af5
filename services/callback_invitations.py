"""What became of the callback invitation (回访邀请) SMS of tickets waiting for a callback,
for the agents' callback queue: whether it reached the citizen, and whether the citizen
wrote back something other than a rating. A citizen who rated by SMS or on the page is
no longer in the queue: the rating closed the ticket."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from schema.citizen_messages import GATEWAY_HAS_IT, DeliveryState, MessageKind
from schema.message_tables import StoredCitizenMessage, StoredInboundSms
from services.context import AppContext


class InvitationMark(StrEnum):
    WAITING = "waiting"  # queued, deferred to the morning, or with the gateway
    DELIVERED = "delivered"  # on the citizen's phone: a reply may still come
    NOT_DELIVERED = "not_delivered"  # failed, or never sent (the number opted out)
    REPLIED = "replied"  # the citizen wrote back words, not 1 / 2 / 3: see the notes


def _mark(state: str) -> InvitationMark:
    if state == DeliveryState.DELIVERED.value:
        return InvitationMark.DELIVERED
    if state in (DeliveryState.FAILED.value, DeliveryState.SKIPPED.value):
        return InvitationMark.NOT_DELIVERED
    assert DeliveryState(state) in GATEWAY_HAS_IT | {
        DeliveryState.QUEUED,
        DeliveryState.DEFERRED,
        DeliveryState.SENDING,
    }
    return InvitationMark.WAITING


async def invitation_marks(context: AppContext, ticket_nos: list[str]) -> dict[str, InvitationMark]:
    """Per ticket that had an invitation sent, what became of its newest one."""
    if not ticket_nos:
        return {}
    async with context.sessions() as session:
        invitations = await session.execute(
            select(StoredCitizenMessage.ticket_no, StoredCitizenMessage.state)
            .where(
                StoredCitizenMessage.ticket_no.in_(ticket_nos),
                StoredCitizenMessage.kind == MessageKind.CALLBACK_INVITE.value,
            )
            .order_by(StoredCitizenMessage.created_at)
        )
        marks = {ticket_no: _mark(state) for ticket_no, state in invitations}
        replied = await session.scalars(
            select(StoredInboundSms.ticket_no).where(
                StoredInboundSms.ticket_no.in_(list(marks)), StoredInboundSms.outcome == "noted"
            )
        )
        for ticket_no in replied:
            if ticket_no is not None:
                marks[ticket_no] = InvitationMark.REPLIED
    return marks
