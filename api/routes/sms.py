"""The SMS gateways' callbacks: delivery reports and the citizens' replies.

Kannel calls its two by GET with the values in the query (its ``dlr-url`` and an
``sms-service``'s ``get-url``); Alibaba Cloud pushes JSON lists by POST (its SmsReport and
SmsUp messages, to the URLs set in its console), and Tencent Cloud its delivery reports
alike (状态回执, to the URL set for the application). Each carries the secret
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


class TencentReport(BaseModel):
    """One entry of Tencent Cloud's delivery-status push (短信下发状态通知, a JSON array).

    Two of its fields are read: ``session_context``, the SendSms request's
    ``SessionContext`` returned as it was sent (the message's id; the service returns it
    once it has been enabled for the account, on asking its SMS support), and
    ``report_status``, ``SUCCESS`` (delivered) or ``FAIL``. The others (``mobile``,
    ``nationcode``, ``sid``, the send's SerialNo, ``errmsg`` such as ``DELIVRD``,
    ``description``, ``user_receive_time``) are passed over."""

    session_context: str | None = Field(default=None, max_length=512)  # the service's limit
    report_status: str = Field(max_length=16)


class TencentAnswer(BaseModel):
    result: int = 0  # what the service expects back: 0, else the push failed
    errmsg: str = "OK"


_TENCENT_REPORTS = {"SUCCESS": DeliveryState.DELIVERED, "FAIL": DeliveryState.FAILED}


@router.post("/tencent/report", response_model=TencentAnswer)
async def tencent_reports(
    context: ContextDep,
    reports: Annotated[list[TencentReport], Body(max_length=1000)],
    token: Token = "",
) -> TencentAnswer:
    """Delivery reports; an entry without the message's id, or for a message this system
    never sent, is passed over."""
    _check_token(context, token)
    for report in reports:
        if report.session_context:
            state = _TENCENT_REPORTS.get(report.report_status.upper())
            await sms_replies.record_report(context, report.session_context, state)
    return TencentAnswer()
