"""The SMS gateway's callbacks (Kannel): delivery reports and the citizens' replies.

Kannel calls these by GET with the values in the query (its ``dlr-url`` and an
``sms-service``'s ``get-url``), carrying the secret ``HOTLINE_SMS_CALLBACK_TOKEN`` that
only the gateway's configuration holds; without that setting both are closed.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse

from api.deps import ContextDep
from services import sms_replies
from services.context import AppContext
from services.errors import ServiceError

router = APIRouter(prefix="/v1/sms/kannel", tags=["sms"])


def _check_token(context: AppContext, token: str) -> None:
    expected = context.settings.sms_callback_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ServiceError(403, "forbidden", "not the SMS gateway's token")


@router.get("/report", response_class=PlainTextResponse)
async def delivery_report(
    context: ContextDep,
    id: Annotated[str, Query(min_length=1, max_length=120)],
    type: Annotated[int, Query(ge=0, le=255)],
    token: Annotated[str, Query(max_length=200)] = "",
) -> str:
    """A delivery report for one message (Kannel's dlr-url, ``type`` its %d)."""
    _check_token(context, token)
    if not await sms_replies.record_report(context, id, type):
        raise ServiceError(404, "unknown_message", "no message with this id")
    return "ok"


@router.get("/inbound", response_class=PlainTextResponse)
async def inbound_message(
    context: ContextDep,
    sender: Annotated[str, Query(alias="from", min_length=3, max_length=24)],
    text: Annotated[str, Query(max_length=1600)] = "",
    token: Annotated[str, Query(max_length=200)] = "",
) -> str:
    """A message a citizen sent the hotline's number (an sms-service's get-url). The
    answer is empty: Kannel sends no reply back."""
    _check_token(context, token)
    await sms_replies.receive_reply(context, sender, text)
    return ""
