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
from typing import Any

from sqlalchemy import func, select
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from hotline.sealing import sealer
from schema.citizen_messages import CitizenMessage, DeliveryState, MessageKind
from schema.message_tables import CitizenCode, StoredCitizenMessage
from services.citizen_page import token_for
from services.context import AppContext
from services.errors import ServiceError
from services.ticket_queries import stored_ticket
from workflows.ids import CITIZEN_MESSAGE_WORKFLOW, citizen_message_workflow_id

GOOD_FOR = timedelta(minutes=10)
MOST_TRIES = 5
MOST_CODES, CODES_WINDOW = 3, timedelta(minutes=10)
WEB_REPORT = "web"  # a code row's ticket_no while its report is not yet a ticket


def _digest(context: AppContext, request_id: str, code: str) -> str:
    key = hmac.new(context.jwt_secret.encode(), b"hotline citizen codes", "sha256").digest()
    return hmac.new(key, f"{request_id}:{code}".encode(), hashlib.sha256).hexdigest()


def too_many_codes() -> ServiceError:
    return ServiceError(429, "throttled", "too many codes asked for this phone", "throttled")


async def _throttle(context: AppContext, lookup: str, now: datetime) -> None:
    async with context.sessions() as session:
        lately = await session.scalar(
            select(func.count()).where(
                CitizenCode.phone_lookup == lookup, CitizenCode.created_at > now - CODES_WINDOW
            )
        )
    if int(lately or 0) >= MOST_CODES:
        raise too_many_codes()


async def ask_code(context: AppContext, ticket_no: str, phone: str) -> str:
    """The request's id, to check the code against; a code is on its way only when the
    number and the phone are one ticket's (the id looks alike either way)."""
    now = datetime.now(UTC)
    lookup = sealer().phone_lookup(phone)
    request_id = f"{ticket_no[:40]}:code:{secrets.token_urlsafe(12)}"
    await _throttle(context, lookup, now)
    async with context.sessions() as session:
        ticket = await stored_ticket(session, ticket_no)
    if ticket is None or sealer().phone_lookup(ticket.citizen.phone) != lookup:
        return request_id
    await _send_code(context, request_id, ticket_no, phone, None, now)
    return request_id


async def ask_report_code(context: AppContext, phone: str, draft: dict[str, Any]) -> str:
    """随手拍: a code to the phone a web report gives, the report kept (sealed) until the
    code comes back (``confirmed_report``)."""
    now = datetime.now(UTC)
    await _throttle(context, sealer().phone_lookup(phone), now)
    request_id = f"{WEB_REPORT}:code:{secrets.token_urlsafe(12)}"
    await _send_code(context, request_id, WEB_REPORT, phone, draft, now)
    return request_id


async def _send_code(
    context: AppContext,
    request_id: str,
    ticket_no: str,
    phone: str,
    draft: dict[str, Any] | None,
    now: datetime,
) -> None:
    code = f"{secrets.randbelow(10**6):06d}"
    lookup = sealer().phone_lookup(phone)
    async with context.sessions.begin() as session:
        session.add(
            CitizenCode(
                id=request_id,
                ticket_no=ticket_no,
                phone_lookup=lookup,
                phone=phone,
                code=code,
                draft=draft,
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
                seq=0,
                phone_lookup=lookup,
                state=DeliveryState.QUEUED.value,
                attempts=0,
                created_at=now,
            )
        )
    # A code is awaited now: no quiet hours (both ends the same instant: none).
    message = CitizenMessage(
        id=request_id,
        ticket_no=ticket_no,
        kind=MessageKind.CODE,
        seq=0,
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


async def _used(
    context: AppContext, request_id: str, code: str, *, again: bool = False
) -> CitizenCode | None:
    """The code's row when the code is right, still good and not used (now used; or, with
    ``again``, used already by this same code); None else, and one try fewer."""
    now = datetime.now(UTC)
    async with context.sessions.begin() as session:
        row = await session.get(CitizenCode, request_id[:120], with_for_update=True)
        if row is None or row.expires_at <= now or (row.used_at is not None and not again):
            return None
        if row.attempts >= MOST_TRIES:
            return None
        given = _digest(context, request_id, code.strip())
        if not hmac.compare_digest(given, row.digest):
            row.attempts += 1
            return None
        row.used_at = row.used_at or now
        return row


async def check_code(context: AppContext, request_id: str, code: str) -> str | None:
    """The citizen's link token for a right code of a look-up; None else."""
    row = await _used(context, request_id, code)
    if row is None or row.ticket_no == WEB_REPORT:
        return None
    async with context.sessions() as session:
        ticket = await stored_ticket(session, row.ticket_no)
    return token_for(context, ticket, datetime.now(UTC)) if ticket is not None else None


async def confirmed_report(context: AppContext, request_id: str, code: str) -> Any | None:
    """The web report a right code confirms; None else. Again for the same code: an
    intake that failed after the code was taken is tried again, as the same intake."""
    row = await _used(context, request_id, code, again=True)
    if row is None or row.ticket_no != WEB_REPORT:
        return None
    return row.draft
