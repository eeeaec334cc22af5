"""What the SMS gateway tells us: delivery reports, and the messages citizens send back.

A reply of 1 / 2 / 3 to a callback invitation (回访邀请) rates that ticket, as an agent's
callback would, and counts in 三率 the same way; TD or 退订 opts the number out; anything
else is left as a note on the invited ticket for the agents' callback queue. A reply is
matched to the newest invitation sent to the same number within the policy's window.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import select, update

from hotline.sealing import sealer
from schema.action_bodies import RatingBody
from schema.citizen_messages import DeliveryState, MessageKind
from schema.message_tables import SmsOptOut, StoredCitizenMessage, StoredInboundSms
from schema.tables import InternalNote, Ticket
from schema.ticket import Actor, Role, Satisfaction, TicketStatus
from services.actions import TICKET_ACTIONS, run_action
from services.context import AppContext
from services.errors import ServiceError

# Kannel's report types (its dlr-url's %d), and the state each leaves the message in.
KANNEL_REPORTS = {
    1: DeliveryState.DELIVERED,
    2: DeliveryState.FAILED,
    8: DeliveryState.ACCEPTED,
    16: DeliveryState.FAILED,
}
# A report never moves a message back: a late "accepted" after "delivered" is kept out.
_RANK = {
    DeliveryState.QUEUED: 0,
    DeliveryState.DEFERRED: 0,
    DeliveryState.SENDING: 1,
    DeliveryState.SENT: 2,
    DeliveryState.ACCEPTED: 3,
    DeliveryState.DELIVERED: 4,
    DeliveryState.FAILED: 4,
    DeliveryState.SKIPPED: 4,
}
_RATINGS = {
    "1": Satisfaction.SATISFIED,
    "2": Satisfaction.BASICALLY_SATISFIED,
    "3": Satisfaction.UNSATISFIED,
}
_OPT_OUT = {"TD", "T", "退订", "N"}
# The citizen who replies by SMS acts through the gateway, as an integrator would.
SMS_ACTOR = Actor(sub="sms-reply", role=Role.INTEGRATOR)

Outcome = Literal["rated", "noted", "opted_out", "unmatched", "late"]


async def record_report(
    context: AppContext, message_id: str, reported: DeliveryState | None
) -> bool:
    """Record the gateway's report on one message (``None``: one that says nothing of
    its state, Kannel's "buffered"); whether the message is known. Two reports arrive
    together (accepted, then delivered a moment later): each moves the state only from a
    lower rank, in one statement, so the later-ranked one stands."""
    now = datetime.now(UTC)
    rows = StoredCitizenMessage
    async with context.sessions.begin() as session:
        known = await session.scalar(
            update(rows).where(rows.id == message_id).values(reported_at=now).returning(rows.id)
        )
        if known is None:
            return False
        if reported is not None:
            lower = [state.value for state, rank in _RANK.items() if rank < _RANK[reported]]
            reason = "undeliverable" if reported is DeliveryState.FAILED else None
            await session.execute(
                update(rows)
                .where(rows.id == message_id, rows.state.in_(lower))
                .values(state=reported.value, reason=reason)
            )
    return True


def _plain(text: str) -> str:
    """Full-width digits and letters as plain ones, spaces and punctuation gone."""
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    return "".join(ch for ch in folded if ch.isalnum())


async def receive_reply(context: AppContext, phone: str, text: str) -> Outcome:
    lookup = sealer().phone_lookup(phone)
    now = datetime.now(UTC)
    word = _plain(text)
    if word in _OPT_OUT:
        await _opt_out(context, lookup, now)
        return await _keep(context, lookup, text, now, None, "opted_out")
    invitation = await _open_invitation(context, lookup, now)
    if invitation is None:
        return await _keep(context, lookup, text, now, None, "unmatched")
    ticket_no, invitation_id = invitation
    satisfaction = _RATINGS.get(word)
    if satisfaction is None:
        await _note(context, ticket_no, text, now)
        return await _keep(context, lookup, text, now, ticket_no, "noted")
    body = RatingBody(
        satisfaction=satisfaction,
        solved=satisfaction is not Satisfaction.UNSATISFIED,
        comment="市民短信回复评价",
    )
    rating = next(action for action in TICKET_ACTIONS if action.name == "rating")
    try:
        await run_action(context, rating, ticket_no, SMS_ACTOR, body, f"sms-reply:{invitation_id}")
    except ServiceError as refused:
        if refused.status not in (404, 409, 422):
            raise  # an outage: the gateway is answered 503 and sends the reply again
        await _note(context, ticket_no, text, now)
        return await _keep(context, lookup, text, now, ticket_no, "late")
    return await _keep(context, lookup, text, now, ticket_no, "rated")


async def _open_invitation(
    context: AppContext, lookup: str, now: datetime
) -> tuple[str, str] | None:
    """The newest invitation to this number within the window whose ticket awaits it."""
    window = timedelta(hours=context.policy.sms.reply_window_hours)
    async with context.sessions() as session:
        row = (
            await session.execute(
                select(StoredCitizenMessage.ticket_no, StoredCitizenMessage.id)
                .join(Ticket, Ticket.ticket_no == StoredCitizenMessage.ticket_no)
                .where(
                    StoredCitizenMessage.phone_lookup == lookup,
                    StoredCitizenMessage.kind == MessageKind.CALLBACK_INVITE.value,
                    StoredCitizenMessage.sent_at >= now - window,
                    Ticket.status == TicketStatus.CALLBACK.value,
                )
                .order_by(StoredCitizenMessage.sent_at.desc())
                .limit(1)
            )
        ).first()
    return (row.ticket_no, row.id) if row is not None else None


async def _opt_out(context: AppContext, lookup: str, now: datetime) -> None:
    async with context.sessions.begin() as session:
        if await session.get(SmsOptOut, lookup) is None:
            session.add(SmsOptOut(phone_lookup=lookup, at=now))


async def _note(context: AppContext, ticket_no: str, text: str, now: datetime) -> None:
    async with context.sessions.begin() as session:
        session.add(
            InternalNote(
                ticket_no=ticket_no,
                at=now,
                author=SMS_ACTOR.sub,
                author_name="市民短信回复",
                role=Role.AGENT.value,
                department=None,
                text=f"市民回复回访短信：{text.strip()[:1000]}",
            )
        )


async def _keep(
    context: AppContext,
    lookup: str,
    text: str,
    now: datetime,
    ticket_no: str | None,
    outcome: Outcome,
) -> Outcome:
    async with context.sessions.begin() as session:
        session.add(
            StoredInboundSms(
                phone_lookup=lookup, text=text[:1000], at=now, ticket_no=ticket_no, outcome=outcome
            )
        )
    return outcome
