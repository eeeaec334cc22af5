"""Tencent Cloud's SMS service (腾讯云短信), the other cloud service Chinese cities' platforms use.

Its official SDK (``tencentcloud-sdk-python-sms``, API version 2021-01-11) signs each request
with the account's SecretId and SecretKey (TC3-HMAC-SHA256); its asynchronous client sends
over httpx, so a send never blocks the worker's event loop. A cloud service sends only
approved templates under an approved signature, so each kind of message names its template
(``HOTLINE_TENCENT_SMS_TEMPLATES``), whose variables go by position: ``{1}`` the ticket
number, and for a code message ``{2}`` its code. The message's id goes as
``SessionContext``: the service's delivery-status push (its HTTP push to
``/v1/sms/tencent/report``) carries it back as ``session_context``.

SendSms answers in two ways: the request as a whole refused (``Response.Error``, which the
SDK raises as ``TencentCloudSDKException``: a bad key, flow control, the service's own
trouble), or taken with one status per number (``SendStatusSet``, ``Code`` ``"Ok"`` when the
number's message is accepted, else why not: a bad number, a blacklisted one, a daily limit).
"""

from __future__ import annotations

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111.models import SendSmsRequest
from tencentcloud.sms.v20210111.sms_client_async import SmsClient

from activities.sms_gateway import GatewayRefused, OutgoingSms
from hotline.settings import Settings

# Answers that a later attempt may not meet: the service's own trouble (InternalError.*,
# ServiceUnavailable, an answer that is not HTTP 200, which the SDK calls
# ServerNetworkError), its flow control (RequestLimitExceeded.*, the frequency and daily
# limits LimitExceeded.*).
_TRANSIENT = (
    "InternalError",
    "LimitExceeded",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "ServerNetworkError",
)
# ... but for these, which no wait changes: a region the application may not send to, more
# numbers than one request takes, a request the service cannot verify or route.
_NEVER_MET = frozenset(
    {
        "LimitExceeded.AppCountryOrRegionInBlacklist",
        "LimitExceeded.PhoneNumberCountLimit",
        "InternalError.RestApiInterfaceNotExist",
        "InternalError.SigFieldMissing",
        "InternalError.SigVerificationFail",
    }
)
_TIMEOUT_SECONDS = 10  # the SDK's default is a minute


def templates_of(setting: str) -> dict[str, str]:
    """``receipt:1234567,closed:1234568`` as ``{"receipt": "1234567", "closed": "1234568"}``."""
    pairs = (item.split(":", 1) for item in setting.split(",") if ":" in item)
    return {kind.strip(): template.strip() for kind, template in pairs}


def transient(code: str) -> bool:
    """Whether a later attempt may be taken where this answer's was not."""
    return code not in _NEVER_MET and any(code.startswith(prefix) for prefix in _TRANSIENT)


class TencentGateway:
    name = "tencent"

    def __init__(self, settings: Settings) -> None:
        if not settings.tencent_secret_id or not settings.tencent_secret_key:
            raise ValueError(
                "HOTLINE_SMS_GATEWAY=tencent needs HOTLINE_TENCENT_SECRET_ID and "
                "HOTLINE_TENCENT_SECRET_KEY"
            )
        self._app_id = settings.tencent_sms_sdk_app_id
        self._sign_name = settings.tencent_sms_sign_name
        self._templates = templates_of(settings.tencent_sms_templates)
        self._client = SmsClient(
            Credential(settings.tencent_secret_id, settings.tencent_secret_key),
            settings.tencent_sms_region,
            ClientProfile(
                httpProfile=HttpProfile(
                    protocol=settings.tencent_sms_protocol,
                    endpoint=settings.tencent_sms_endpoint,
                    reqTimeout=_TIMEOUT_SECONDS,
                )
            ),
        )

    async def send(self, sms: OutgoingSms) -> None:
        template = self._templates.get(sms.kind)
        if template is None:
            raise GatewayRefused(
                f"no Tencent template for {sms.kind} (HOTLINE_TENCENT_SMS_TEMPLATES)"
            )
        request = SendSmsRequest()
        # Mainland numbers go as their 11 digits: the service takes them as +86.
        request.PhoneNumberSet = ["".join(ch for ch in sms.phone if ch.isdigit() or ch == "+")]
        request.SmsSdkAppId = self._app_id
        request.SignName = self._sign_name
        request.TemplateId = template
        request.TemplateParamSet = _parameters(sms)
        request.SessionContext = sms.id
        try:
            answer = await self._client.SendSms(request)
        except TencentCloudSDKException as error:
            code = str(error.get_code())
            if transient(code):
                raise RuntimeError(f"Tencent Cloud SMS answered {code}: try again") from error
            raise GatewayRefused(f"Tencent Cloud SMS refused the message: {code}") from error
        statuses = answer.SendStatusSet or []
        if not statuses:
            raise RuntimeError("Tencent Cloud SMS answered without the number's status")
        code = str(statuses[0].Code)
        if code == "Ok":
            return
        if transient(code):
            raise RuntimeError(f"Tencent Cloud SMS answered {code}: try again")
        raise GatewayRefused(f"Tencent Cloud SMS refused the message: {code}")


def _parameters(sms: OutgoingSms) -> list[str]:
    """The template's variables in order: ``{1}`` the ticket number, ``{2}`` a code
    message's code."""
    return [sms.ticket_no, *([sms.code] if sms.code else [])]
