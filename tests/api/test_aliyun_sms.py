"""The Alibaba Cloud SMS gateway against a stand-in of the service (no internet here): the
official SDK's signed SendSms request carries the number, the approved signature and
template, the ticket number as the template's variable and the message's id as OutId;
the service's refusals and its flow control are told apart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from activities.aliyun_sms import AliyunGateway, templates_of
from activities.sms_gateway import GatewayRefused, OutgoingSms
from hotline.settings import Settings
from tests.support.stack import free_port, served


class StandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answer: dict[str, str] = {
            "Code": "OK",
            "Message": "OK",
            "BizId": "9",
            "RequestId": "r",
        }


@pytest_asyncio.fixture
async def stand_in() -> AsyncIterator[tuple[StandIn, int]]:
    service = StandIn()
    app = FastAPI()

    @app.post("/")
    async def send_sms(request: Request) -> JSONResponse:
        form = dict(await request.form())
        headers = {f"header:{k}": v for k, v in request.headers.items()}
        service.requests.append({**dict(request.query_params), **form, **headers})
        return JSONResponse(service.answer)

    port = free_port()
    async with served(app, port):
        yield service, port


def gateway(port: int) -> AliyunGateway:
    return AliyunGateway(
        Settings(
            sms_gateway="aliyun",
            aliyun_access_key_id="LTAI-test",
            aliyun_access_key_secret="test-secret",
            aliyun_sms_sign_name="某市12345热线",
            aliyun_sms_templates="receipt:SMS_100, closed:SMS_200",
            aliyun_sms_endpoint=f"127.0.0.1:{port}",
            aliyun_sms_protocol="http",
        )
    )


RECEIPT = OutgoingSms(
    "A20261204-000001:receipt:1", "13800001111", "…", "receipt", "A20261204-000001"
)


async def test_a_receipt_goes_as_its_template_with_the_ticket_number(
    stand_in: tuple[StandIn, int],
) -> None:
    service, port = stand_in
    await gateway(port).send(RECEIPT)
    [sent] = service.requests
    assert sent["header:x-acs-action"] == "SendSms" and sent["PhoneNumbers"] == "13800001111"
    assert sent["SignName"] == "某市12345热线" and sent["TemplateCode"] == "SMS_100"
    assert json.loads(sent["TemplateParam"]) == {"ticket_no": "A20261204-000001"}
    assert sent["OutId"] == RECEIPT.id
    # Signed by the SDK with the AccessKey (the secret itself never travels).
    assert "Credential=LTAI-test" in sent["header:authorization"]
    assert "test-secret" not in json.dumps(sent)


async def test_refusals_and_flow_control_are_told_apart(stand_in: tuple[StandIn, int]) -> None:
    service, port = stand_in
    service.answer = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "bad", "RequestId": "r"}
    with pytest.raises(GatewayRefused):
        await gateway(port).send(RECEIPT)
    service.answer = {"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "busy", "RequestId": "r"}
    with pytest.raises(RuntimeError):  # retried by the activity
        await gateway(port).send(RECEIPT)
    invite = OutgoingSms("A1:callback_invite:5", "13800001111", "…", "callback_invite", "A1")
    with pytest.raises(GatewayRefused, match="no Aliyun template"):
        await gateway(port).send(invite)


def test_templates_are_read_from_the_setting() -> None:
    assert templates_of("receipt:SMS_1, closed:SMS_2,,bad") == {
        "receipt": "SMS_1",
        "closed": "SMS_2",
    }
