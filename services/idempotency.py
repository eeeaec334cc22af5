"""``Idempotency-Key``: a retry with the same key answers as the first attempt did, once.

Keys are the caller's own: scoped to who sends them (an integrator reusing an agent's key
gets nothing of the agent's), and bound to the request they first came with. The same key
with another body, or for another ticket or action, is refused with 422, as the IETF
``Idempotency-Key`` draft and Stripe do, instead of silently answering for the first.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.database import insert_for
from schema.tables import ActionKey
from schema.ticket import Actor
from services.context import AppContext
from services.errors import ServiceError
from services.ticket_gateway import ActionRef


def scoped_key(actor: Actor, key: str) -> str:
    """The key as stored: the caller's key, never anyone else's."""
    return hashlib.sha256(f"{actor.describe()}\n{key}".encode()).hexdigest()


def fingerprint(body: BaseModel) -> str:
    """The request's content, for telling a retry from a different request."""
    canonical = json.dumps(
        body.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def key_reused(what: str) -> ServiceError:
    return ServiceError(
        422,
        "idempotency_key_reused",
        f"this Idempotency-Key was first used for {what}; a new request needs a new key",
    )


def action_id(key: str | None) -> str:
    """The caller's key, or one the server makes (returned, so a retry can send it)."""
    return key if key is not None else uuid.uuid4().hex


async def bind_action_key(
    sessions: async_sessionmaker[AsyncSession],
    *,
    actor: Actor,
    key: str,
    ticket_no: str,
    action: str,
    body: BaseModel,
) -> None:
    """Record which request the key names; refuse it if it already names another. An
    action on no ticket (compiling a report) has ``ticket_no`` empty."""
    row = {
        "key": scoped_key(actor, key),
        "ticket_no": ticket_no,
        "action": action,
        "fingerprint": fingerprint(body),
        "created_at": datetime.now(UTC),
    }
    async with sessions.begin() as session:
        statement = insert_for(session, ActionKey).values(**row).on_conflict_do_nothing()
        await session.execute(statement)
        stored = await session.get(ActionKey, row["key"])
    assert stored is not None  # just inserted, or there before
    if (stored.ticket_no, stored.action) != (ticket_no, action):
        raise key_reused(_described(stored.action, stored.ticket_no))
    if stored.fingerprint != row["fingerprint"]:
        raise key_reused(f"{_described(action, ticket_no)} with a different body")


def _described(action: str, ticket_no: str) -> str:
    return f"'{action}' on ticket {ticket_no}" if ticket_no else f"'{action}'"


async def identify_action(
    context: AppContext,
    actor: Actor,
    ticket_no: str,
    action: str,
    body: BaseModel,
    idempotency_key: str | None,
) -> ActionRef:
    """The action's id: the caller's key, bound to this request, or a new one (the caller
    is told it, so that a retry can send it)."""
    if idempotency_key is not None:
        await bind_action_key(
            context.sessions,
            actor=actor,
            key=idempotency_key,
            ticket_no=ticket_no,
            action=action,
            body=body,
        )
    return ActionRef(ticket_no=ticket_no, action=action, action_id=action_id(idempotency_key))
