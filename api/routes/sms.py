"""The SMS gateways' callbacks: delivery reports and the citizens' replies.

Kannel calls its two by GET with the values in the query (its ``dlr-url`` and an
``sms-service``'s ``get-url``); Alibaba Cloud pushes JSON lists by POST (its SmsReport and
SmsUp messages, to the URLs set in its console). Each carries the secret
``HOTLINE_SMS_CALLBACK_TOKEN`` that only the gateway's configuration holds; without that
setting all are closed.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Body, Query
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from api.deps import ContextDep
from schema.citizen_messages import DeliveryState
from services import sms_replies
from services.context import AppContext
from services.errors import ServiceError

router = APIRouter(prefix="/v1/sms", tags=["sms"])
Token = Annotated[str, Query(max_length=200)]


def _check_token(context: AppContext, token: str) -> None:
    expected = context.settings.sms_callback_token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        raise ServiceError(403, "forbidden", "not the SMS gateway's token")


@router.get("/kannel/report", response_class=PlainTextResponse)
async def delivery_report(
    context: ContextDep,
    id: Annotated[str, Query(min_length=1, max_length=120)],
    type: Annotated[int, Query(ge=0, le=255)],
    token: Token = "",
) -> str:
    """A delivery report for one message (Kannel's dlr-url, ``type`` its %d)."""
    _check_token(context, token)
    if not await sms_replies.record_report(context, id, sms_replies.KANNEL_REPORTS.get(type)):
        raise ServiceError(404, "unknown_message", "no message with this id")
    return "ok"


@router.get("/kannel/inbound", response_class=PlainTextResponse)
async def inbound_message(
    context: ContextDep,
    sender: Annotated[str, Query(alias="from", min_length=3, max_length=24)],
    text: Annotated[str, Query(max_length=1600)] = "",
    token: Token = "",
) -> str:
    """A message a citizen sent the hotline's number (an sms-service's get-url). The
    answer is empty: Kannel sends no reply back."""
    _check_token(context, token)
    await sms_replies.receive_reply(context, sender, text)
    return ""


class AliyunReport(BaseModel):
    """One entry of Alibaba Cloud's SmsReport push."""

    out_id: str | None = Field(default=None, max_length=120)
    success: bool
    err_code: str | None = Field(default=None, max_length=64)


class AliyunReply(BaseModel):
    """One entry of Alibaba Cloud's SmsUp push: a message a citizen sent."""

    phone_number: str = Field(min_length=3, max_length=24)
    content: str = Field(default="", max_length=1600)


class AliyunAnswer(BaseModel):
    code: int = 0  # what the service expects back: 0, else it pushes again
    msg: str = "成功"


@router.post("/aliyun/report", response_model=AliyunAnswer)
async def aliyun_reports(
    context: ContextDep,
    reports: Annotated[list[AliyunReport], Body(max_length=1000)],
    token: Token = "",
) -> AliyunAnswer:
    """Delivery reports; an entry for a message this system never sent is passed over."""
    _check_token(context, token)
    for report in reports:
        if report.out_id:
            state = DeliveryState.DELIVERED if report.success else DeliveryState.FAILED
            await sms_replies.record_report(context, report.out_id, state)
    return AliyunAnswer()


@router.post("/aliyun/inbound", response_model=AliyunAnswer)
async def aliyun_replies(
    context: ContextDep,
    replies: Annotated[list[AliyunReply], Body(max_length=1000)],
    token: Token = "",
) -> AliyunAnswer:
    """Messages citizens sent the hotline's number."""
    _check_token(context, token)
    for reply in replies:
        await sms_replies.receive_reply(context, reply.phone_number, reply.content)
    return AliyunAnswer()
