"""Opening the citizen's page without the SMS's link: the ticket number and the phone, then
a code sent by SMS to that phone (查询验证码), which gives a fresh link.

Nothing tells a caller whether the number and the phone belong together: a code is sent
only when they do, and the answer is the same when they do not. The code goes out like
every message to the citizen (a delivery workflow under the message's id, the send
activity retried), is kept sealed only until it is sent, is checked by its keyed hash,
and is good for ten minutes and five tries. A phone gets at most three codes in ten minutes.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, select, update
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from hotline.sealing import sealer
from schema.citizen_messages import CitizenMessage, DeliveryState, MessageKind
from schema.message_tables import CitizenCode, StoredCitizenMessage
from schema.tables import TicketEvent
from services.citizen_page import token_for
from services.context import AppContext
from services.errors import ServiceError
from services.ticket_queries import stored_ticket
from workflows.ids import CITIZEN_MESSAGE_WORKFLOW, citizen_message_workflow_id

GOOD_FOR = timedelta(minutes=10)
MOST_TRIES = 5
MOST_CODES, CODES_WINDOW = 3, timedelta(minutes=10)


def _digest(context: AppContext, request_id: str, code: str) -> str:
    key = hmac.new(context.jwt_secret.encode(), b"hotline citizen codes", "sha256").digest()
    return hmac.new(key, f"{request_id}:{code}".encode(), hashlib.sha256).hexdigest()


def too_many_codes() -> ServiceError:
    return ServiceError(429, "throttled", "too many codes asked for this phone", "throttled")


async def ask_code(context: AppContext, ticket_no: str, phone: str) -> str:
    """The request's id, to check the code against; a code is on its way only when the
    number and the phone are one ticket's (the id looks alike either way)."""
    now = datetime.now(UTC)
    lookup = sealer().phone_lookup(phone)
    request_id = f"{ticket_no[:40]}:code:{secrets.token_urlsafe(12)}"
    async with context.sessions.begin() as session:
        lately = await session.scalar(
            select(func.count()).where(
                CitizenCode.phone_lookup == lookup, CitizenCode.created_at > now - CODES_WINDOW
            )
        )
        if int(lately or 0) >= MOST_CODES:
            raise too_many_codes()
        ticket = await stored_ticket(session, ticket_no)
        if ticket is None or sealer().phone_lookup(ticket.citizen.phone) != lookup:
            return request_id
        # The message names the ticket's first trace: the send activity checks it is there.
        first = await session.scalar(
            select(func.min(TicketEvent.seq)).where(TicketEvent.ticket_no == ticket_no)
        )
        code = f"{secrets.randbelow(10**6):06d}"
        session.add(
            CitizenCode(
                id=request_id,
                ticket_no=ticket_no,
                phone_lookup=lookup,
                code=code,
                digest=_digest(context, request_id, code),
                attempts=0,
                created_at=now,
                expires_at=now + GOOD_FOR,
                used_at=None,
            )
        )
        session.add(
            StoredCitizenMessage(
                id=request_id,
                ticket_no=ticket_no,
                kind=MessageKind.CODE.value,
                seq=int(first or 0),
                phone_lookup=lookup,
                state=DeliveryState.QUEUED.value,
                reason=None,
                text=None,
                gateway=None,
                attempts=0,
                created_at=now,
                not_before=None,
                sent_at=None,
                reported_at=None,
            )
        )
    # A code is awaited now: no quiet hours (both ends the same instant: none).
    message = CitizenMessage(
        id=request_id,
        ticket_no=ticket_no,
        kind=MessageKind.CODE,
        seq=int(first or 0),
        at=now,
        timezone=context.policy.timezone,
        quiet_from=time(0),
        quiet_until=time(0),
    )
    client = await context.tickets.client()
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            CITIZEN_MESSAGE_WORKFLOW,
            message,
            id=citizen_message_workflow_id(request_id),
            task_queue=context.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    return request_id


async def check_code(context: AppContext, request_id: str, code: str) -> str | None:
    """The citizen's link token for a right code, still good and not used; None else
    (and one try fewer)."""
    now = datetime.now(UTC)
    async with context.sessions.begin() as session:
        row = await session.get(CitizenCode, request_id[:120], with_for_update=True)
        if row is None or row.used_at is not None or row.expires_at <= now:
            return None
        if row.attempts >= MOST_TRIES:
            return None
        given = _digest(context, request_id, code.strip())
        if not hmac.compare_digest(given, row.digest):
            await session.execute(
                update(CitizenCode)
                .where(CitizenCode.id == row.id)
                .values(attempts=CitizenCode.attempts + 1)
            )
            return None
        row.used_at = now
        ticket = await stored_ticket(session, row.ticket_no)
    return token_for(context, ticket, now) if ticket is not None else None
