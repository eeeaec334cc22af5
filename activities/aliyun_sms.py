"""Alibaba Cloud's SMS service (阿里云短信服务), which many Chinese cities' platforms use.

Its official SDK (``alibabacloud_dysmsapi20170525``) signs each request with the account's
AccessKey. A cloud service sends only approved templates under an approved signature, so
each kind of message names its template (``HOTLINE_ALIYUN_SMS_TEMPLATES``), which takes
the ticket number as ``${ticket_no}``. The message's id goes as ``OutId``: the service's
delivery report (its HTTP push to ``/v1/sms/aliyun/report``) carries it back.
"""

from __future__ import annotations

import json

from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.utils_models import Config

from activities.sms_gateway import GatewayRefused, OutgoingSms
from hotline.settings import Settings

# Answers that a later attempt may not meet: the service's own trouble, its flow control.
_TRANSIENT = ("isp.", "Throttling", "isv.BUSINESS_LIMIT_CONTROL", "ServiceUnavailable")


def templates_of(setting: str) -> dict[str, str]:
    """``receipt:SMS_1,closed:SMS_2`` as ``{"receipt": "SMS_1", "closed": "SMS_2"}``."""
    pairs = (item.split(":", 1) for item in setting.split(",") if ":" in item)
    return {kind.strip(): code.strip() for kind, code in pairs}


class AliyunGateway:
    name = "aliyun"

    def __init__(self, settings: Settings) -> None:
        self._sign_name = settings.aliyun_sms_sign_name
        self._templates = templates_of(settings.aliyun_sms_templates)
        self._client = Client(
            Config(
                access_key_id=settings.aliyun_access_key_id,
                access_key_secret=settings.aliyun_access_key_secret,
                endpoint=settings.aliyun_sms_endpoint,
                protocol=settings.aliyun_sms_protocol,
            )
        )

    async def send(self, sms: OutgoingSms) -> None:
        template = self._templates.get(sms.kind)
        if template is None:
            raise GatewayRefused(
                f"no Aliyun template for {sms.kind} (HOTLINE_ALIYUN_SMS_TEMPLATES)"
            )
        request = SendSmsRequest(
            phone_numbers="".join(ch for ch in sms.phone if ch.isdigit() or ch == "+"),
            sign_name=self._sign_name,
            template_code=template,
            template_param=json.dumps(_variables(sms), ensure_ascii=False),
            out_id=sms.id,
        )
        answer = (await self._client.send_sms_async(request)).body
        if answer.code == "OK":
            return
        if any(str(answer.code).startswith(code) for code in _TRANSIENT):
            raise RuntimeError(f"Aliyun SMS answered {answer.code}: try again")
        raise GatewayRefused(f"Aliyun SMS refused the message: {answer.code}")


def _variables(sms: OutgoingSms) -> dict[str, str]:
    """The template's variables: the ticket number, and a code message's code."""
    return {"ticket_no": sms.ticket_no, **({"code": sms.code} if sms.code else {})}
