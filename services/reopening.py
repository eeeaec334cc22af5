"""Reopening (重新受理): the citizen calls again about a ticket closed not long ago.

The agent records the new call against the closed ticket; a new ticket is registered
with the closed one's request (category, district, citizen), linked to it, and sent to
the lead that closed it. It counts as a repeat request; the closed ticket's timeline
shows the link. Past the policy's ``reopen_window`` (30 days) the call is a new ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.action_bodies import ReopenBody
from schema.policy import natural_timedelta
from schema.tables import TicketEvent
from schema.ticket import (
    Actor,
    ClosureReason,
    ReopenLink,
    TicketCreate,
    TicketStatus,
    TimelineAction,
)
from services import ticket_numbers
from services.context import AppContext
from services.errors import ServiceError, not_found
from services.idempotency import scoped_key
from services.ticket_queries import stored_ticket
from services.tickets import Registered, register_ticket


async def reopen(
    context: AppContext,
    ticket_no: str,
    body: ReopenBody,
    actor: Actor,
    idempotency_key: str | None,
) -> Registered:
    """The new ticket that reopens ``ticket_no``, as the API and the workbench run it."""
    async with context.sessions() as session:
        closed = await stored_ticket(session, ticket_no)
        still_open = await _open_reopening(session, ticket_no)
    if closed is None:
        raise not_found(ticket_no)
    if closed.status is not TicketStatus.CLOSED or closed.closed_at is None:
        raise ServiceError(
            409, "invalid_state", f"ticket {ticket_no} is still open ({closed.status}): act on it"
        )
    if closed.closure_reason is ClosureReason.MERGED:
        raise ServiceError(
            409, "invalid_state", f"ticket {ticket_no} was merged into {closed.merged_into}"
        )
    if still_open is not None and not await _made_by_this_key(
        context, actor, idempotency_key, still_open
    ):
        raise ServiceError(
            409,
            "invalid_state",
            f"ticket {ticket_no} was reopened already as {still_open}, which is still open: "
            f"the new call is about {still_open}; act on it (register the call and merge it "
            f"into {still_open} to count it)",
        )
    window = natural_timedelta(context.policy.reopen_window)
    assert window is not None  # the policy allows natural units only here
    if datetime.now(UTC) - closed.closed_at > window:
        raise ServiceError(
            409,
            "invalid_state",
            f"ticket {ticket_no} closed more than {context.policy.reopen_window} ago: "
            "register the call as a new ticket",
        )
    intake = TicketCreate(
        channel=body.channel,
        type=closed.type,
        category=closed.category,
        urgency=closed.urgency,
        description=body.description,
        district=closed.district,
        address=closed.address,
        lat=closed.lat,
        long=closed.long,
        citizen=closed.citizen,
        enterprise=closed.enterprise,
    )
    link = ReopenLink(ticket_no=ticket_no, lead=closed.lead_department)
    return await register_ticket(context, intake, actor, idempotency_key, link)


async def _open_reopening(session: AsyncSession, ticket_no: str) -> str | None:
    """The ticket that reopened ``ticket_no`` and is still open, if any: a second call
    then belongs to it (a second new ticket would send the same matter to the same lead
    twice)."""
    links = await session.scalars(
        select(TicketEvent.detail)
        .where(
            TicketEvent.ticket_no == ticket_no,
            TicketEvent.action == TimelineAction.REOPENED_AS,
        )
        .order_by(TicketEvent.seq.desc())
    )
    for detail in links:  # newest first: the reopening most likely still open
        later = await stored_ticket(session, str(detail.get("ticket", "")))
        if later is not None and later.status is not TicketStatus.CLOSED:
            return later.ticket_no
    return None


async def _made_by_this_key(
    context: AppContext, actor: Actor, idempotency_key: str | None, ticket_no: str | None
) -> bool:
    """Whether the caller's key made ``ticket_no``: a retry, answered as the first was."""
    if idempotency_key is None or ticket_no is None:
        return False
    bound = await ticket_numbers.find_by_key(context.sessions, scoped_key(actor, idempotency_key))
    return bound is not None and bound[0] == ticket_no
