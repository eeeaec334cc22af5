"""The Tencent Cloud SMS gateway against a stand-in of the service (no internet here): the
official SDK's signed SendSms request carries the number, the application, the approved
signature and template, the ticket number (and a code message's code) as the template's
parameters in order and the message's id as SessionContext; the service's refusals and its
flow control are told apart. Its delivery-status push moves the message's state, on SQLite
and on PostgreSQL, and only with the gateway's token."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from activities.sms_gateway import GatewayRefused, OutgoingSms, build_gateway
from activities.tencent_sms import TencentGateway, templates_of, transient
from hotline.settings import Settings
from schema.citizen_messages import MessageKind
from schema.message_tables import StoredCitizenMessage
from startup.asgi import create_app
from tests.support.messages import message_row
from tests.support.read_model import ReadModel
from tests.support.stack import asgi_client, free_port, served

TEMPLATES = "receipt:100, callback_invite:101,closed:102,supplement:103,code:104"


def sent_well(phone: str = "+8613800001111", context: str = "") -> dict[str, Any]:
    status = {
        "SerialNo": "2028:1",
        "PhoneNumber": phone,
        "Fee": 1,
        "SessionContext": context,
        "Code": "Ok",
        "Message": "send success",
        "IsoCode": "CN",
    }
    return {"Response": {"SendStatusSet": [status], "RequestId": "r"}}


def not_sent(code: str) -> dict[str, Any]:
    """The request taken, the number's message not: its status says why."""
    answer = sent_well()
    answer["Response"]["SendStatusSet"][0].update(Code=code, Message="no", Fee=0)
    return answer


def refused(code: str) -> dict[str, Any]:
    """The request as a whole refused."""
    return {"Response": {"Error": {"Code": code, "Message": "no"}, "RequestId": "r"}}


class StandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.answer: dict[str, Any] = sent_well()


@pytest_asyncio.fixture
async def stand_in() -> AsyncIterator[tuple[StandIn, int]]:
    service = StandIn()
    app = FastAPI()

    @app.post("/")
    async def api_3(request: Request) -> JSONResponse:
        body = json.loads(await request.body())
        headers = {f"header:{k}": v for k, v in request.headers.items()}
        service.requests.append({**body, **headers})
        return JSONResponse(service.answer, status_code=service.status)

    port = free_port()
    async with served(app, port):
        yield service, port


def settings(port: int, templates: str = TEMPLATES) -> Settings:
    return Settings(
        sms_gateway="tencent",
        tencent_secret_id="AKID-test",
        tencent_secret_key="test-secret",
        tencent_sms_sdk_app_id="1400006666",
        tencent_sms_sign_name="某市12345热线",
        tencent_sms_templates=templates,
        tencent_sms_region="ap-nanjing",
        tencent_sms_endpoint=f"127.0.0.1:{port}",
        tencent_sms_protocol="http",
    )


def gateway(port: int, templates: str = TEMPLATES) -> TencentGateway:
    return TencentGateway(settings(port, templates))


RECEIPT = OutgoingSms(
    "A20261204-000001:receipt:1", "138 0000 1111", "…", "receipt", "A20261204-000001"
)


async def test_a_receipt_goes_as_its_template_with_the_ticket_number(
    stand_in: tuple[StandIn, int],
) -> None:
    service, port = stand_in
    chosen = build_gateway(settings(port))
    assert isinstance(chosen, TencentGateway) and chosen.name == "tencent"
    await chosen.send(RECEIPT)
    [sent] = service.requests
    assert sent["header:x-tc-action"] == "SendSms" and sent["header:x-tc-version"] == "2021-01-11"
    assert sent["header:x-tc-region"] == "ap-nanjing"
    assert sent["PhoneNumberSet"] == ["13800001111"] and sent["SmsSdkAppId"] == "1400006666"
    assert sent["SignName"] == "某市12345热线" and sent["TemplateId"] == "100"
    assert sent["TemplateParamSet"] == ["A20261204-000001"]
    assert sent["SessionContext"] == RECEIPT.id
    # Signed by the SDK with the SecretId's key (the key itself never travels).
    assert sent["header:authorization"].startswith("TC3-HMAC-SHA256 Credential=AKID-test/")
    assert "test-secret" not in json.dumps(sent)


async def test_every_kind_goes_as_its_own_template_and_a_code_after_the_number(
    stand_in: tuple[StandIn, int],
) -> None:
    service, port = stand_in
    sender = gateway(port)
    for kind in MessageKind:
        code = "123456" if kind is MessageKind.CODE else None
        await sender.send(OutgoingSms(f"A1:{kind}:1", "13800001111", "…", kind, "A1", code))
    templates = templates_of(TEMPLATES)
    assert [(s["TemplateId"], s["TemplateParamSet"]) for s in service.requests] == [
        (templates[kind], ["A1", "123456"] if kind is MessageKind.CODE else ["A1"])
        for kind in MessageKind
    ]


async def test_refusals_and_flow_control_are_told_apart(stand_in: tuple[StandIn, int]) -> None:
    service, port = stand_in
    sender = gateway(port)
    for answer in (
        not_sent("InvalidParameterValue.IncorrectPhoneNumber"),
        not_sent("FailedOperation.PhoneNumberInBlacklist"),
        not_sent("LimitExceeded.AppCountryOrRegionInBlacklist"),  # no wait changes that
        refused("FailedOperation.TemplateIncorrectOrUnapproved"),
        refused("AuthFailure.SecretIdNotFound"),
    ):
        service.answer = answer
        with pytest.raises(GatewayRefused):
            await sender.send(RECEIPT)
    for answer in (
        not_sent("LimitExceeded.PhoneNumberThirtySecondLimit"),
        not_sent("LimitExceeded.PhoneNumberDailyLimit"),
        refused("RequestLimitExceeded"),
        refused("InternalError.Timeout"),
        {"Response": {"SendStatusSet": [], "RequestId": "r"}},
    ):
        service.answer = answer
        with pytest.raises(RuntimeError):  # retried by the activity
            await sender.send(RECEIPT)
    service.status, service.answer = 502, {"message": "bad gateway"}
    with pytest.raises(RuntimeError, match="ServerNetworkError"):
        await sender.send(RECEIPT)
    assert len(service.requests) == 11


async def test_a_kind_without_its_template_is_refused_unsent(
    stand_in: tuple[StandIn, int],
) -> None:
    service, port = stand_in
    invite = OutgoingSms("A1:callback_invite:5", "13800001111", "…", "callback_invite", "A1")
    with pytest.raises(GatewayRefused, match="no Tencent template"):
        await gateway(port, "receipt:100").send(invite)
    assert service.requests == []


def test_templates_are_read_from_the_setting() -> None:
    assert templates_of("receipt:100, closed:102,,bad") == {"receipt": "100", "closed": "102"}
    assert transient("InternalError.SendAndRecvFail") and transient("ServiceUnavailable")
    assert not transient("InternalError.SigVerificationFail") and not transient("Ok")


def test_the_gateway_needs_its_key() -> None:
    with pytest.raises(ValueError, match="HOTLINE_TENCENT_SECRET_ID"):
        TencentGateway(Settings(sms_gateway="tencent"))


TOKEN = "tencent-callback-secret"


@pytest_asyncio.fixture
async def reports(read_model: ReadModel, base_settings: Settings) -> AsyncIterator[Any]:
    """The API (no Temporal needed for the push) on the read model, with the token set."""
    app = create_app(
        base_settings.model_copy(
            update={"database_url": read_model.url, "sms_callback_token": TOKEN}
        )
    )
    async with asgi_client(app) as http:
        yield http


async def _message(read_model: ReadModel, state: str = "sent") -> str:
    """A message as the gateway would have sent it."""
    ticket_no = f"T{uuid.uuid4().hex[:10]}"
    message_id = f"{ticket_no}:closed:7"  # as message_row names it
    async with read_model.sessions.begin() as session:
        session.add(message_row(ticket_no, "closed", state, seq=7, gateway="tencent"))
    return message_id


async def _state(read_model: ReadModel, message_id: str) -> tuple[str, datetime | None]:
    async with read_model.sessions() as session:
        row = await session.get(StoredCitizenMessage, message_id)
        assert row is not None
        return row.state, row.reported_at


async def test_the_status_push_records_delivery_and_failure(
    reports: Any, read_model: ReadModel
) -> None:
    delivered, failed = await _message(read_model), await _message(read_model)
    pushed = [
        {
            "user_receive_time": "2026-12-04 08:03:04",
            "nationcode": "86",
            "mobile": "13800001111",
            "report_status": "SUCCESS",
            "errmsg": "DELIVRD",
            "description": "用户短信送达成功",
            "sid": "2028:1",
            "session_context": delivered,
        },
        {"report_status": "FAIL", "errmsg": "MK:0001", "session_context": failed},
        {"report_status": "SUCCESS", "session_context": "nosuch:receipt:1"},  # not ours
        {"report_status": "SUCCESS", "sid": "2028:9"},  # no context: not to be matched
    ]
    answer = await reports.post("/v1/sms/tencent/report", params={"token": TOKEN}, json=pushed)
    assert answer.status_code == 200 and answer.json() == {"result": 0, "errmsg": "OK"}
    state, reported_at = await _state(read_model, delivered)
    assert state == "delivered" and reported_at is not None
    assert (await _state(read_model, failed))[0] == "failed"


async def test_the_status_push_needs_the_token(reports: Any, read_model: ReadModel) -> None:
    message_id = await _message(read_model)
    pushed = [{"report_status": "FAIL", "session_context": message_id}]
    for params in ({"token": "x"}, {}):
        forged = await reports.post("/v1/sms/tencent/report", params=params, json=pushed)
        assert forged.status_code == 403 and forged.json()["error"]["code"] == "forbidden"
    assert await _state(read_model, message_id) == ("sent", None)
    malformed = await reports.post(
        "/v1/sms/tencent/report", params={"token": TOKEN}, json=[{"mobile": "13800001111"}]
    )
    assert malformed.status_code == 422
