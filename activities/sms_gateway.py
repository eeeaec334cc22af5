"""The SMS gateways a message to the citizen leaves through.

``KannelGateway`` speaks to a Kannel smsbox's HTTP ``sendsms`` interface (Debian's
``kannel``; in the tests, its ``fakesmsc`` is the network). Kannel calls back with the
delivery report at the ``dlr-url`` given with each message, which carries the message's
id, so a report finds its message whatever the gateway's own numbering. httpx is the HTTP
client the API's tests already use; its timeouts keep a slow gateway from holding a
worker's activity slot longer than the activity's own timeout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpx

from hotline.settings import Settings

# Kannel's dlr-mask: delivered (1), undeliverable (2), buffered (4), SMSC accepted (8),
# SMSC rejected (16): every report there is.
KANNEL_DLR_MASK = 31


class GatewayRefused(Exception):
    """The gateway said no to this message (a bad number, a refused text): do not retry."""


@dataclass(frozen=True)
class OutgoingSms:
    """One message as a gateway needs it: the free text for gateways that take one, the
    kind and ticket number for those that send approved templates (the cloud services)."""

    id: str  # the message's id: the gateway returns it with the delivery report
    phone: str
    text: str
    kind: str
    ticket_no: str
    code: str | None = None  # a code message's code: the cloud services' template takes it


class SmsGateway(Protocol):
    name: str

    async def send(self, sms: OutgoingSms) -> None:
        """Hand one message over; raises on failure (``GatewayRefused`` when a retry would
        fail the same way). Returning means the gateway has taken it."""
        ...


class KeptOnlyGateway:
    """Development: the message stays in the message log, marked sent; nothing leaves."""

    name = "log"

    async def send(self, sms: OutgoingSms) -> None:
        return None


class KannelGateway:
    name = "kannel"

    def __init__(self, settings: Settings, client: httpx.AsyncClient | None = None) -> None:
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=3.0))

    def report_url(self, message_id: str) -> str:
        """Where Kannel posts this message's reports; %d is Kannel's report type."""
        base = self._settings.sms_callback_base.rstrip("/")
        query = urlencode({"id": message_id, "token": self._settings.sms_callback_token})
        return f"{base}/v1/sms/kannel/report?{query}&type=%d"

    async def send(self, sms: OutgoingSms) -> None:
        settings = self._settings
        params = {
            "username": settings.kannel_username,
            "password": settings.kannel_password,
            "from": settings.sms_sender,
            "to": "".join(ch for ch in sms.phone if ch.isdigit() or ch == "+"),
            "text": sms.text,
            "charset": "UTF-8",
            "coding": "2",  # UCS-2: Chinese
            "dlr-mask": str(KANNEL_DLR_MASK),
            "dlr-url": self.report_url(sms.id),
        }
        if settings.kannel_smsc:
            params["smsc"] = settings.kannel_smsc
        answer = await self._client.get(settings.kannel_sendsms_url, params=params)
        if answer.status_code in (200, 202):  # "Accepted for delivery" / "Queued for later"
            return
        if 400 <= answer.status_code < 500 and answer.status_code not in (408, 429):
            raise GatewayRefused(f"Kannel refused the message: {answer.status_code}")
        answer.raise_for_status()
        raise RuntimeError(f"Kannel answered {answer.status_code}")


def build_gateway(settings: Settings) -> SmsGateway | None:
    """The configured gateway, or None when the citizen is sent nothing."""
    if settings.sms_gateway == "kannel":
        return KannelGateway(settings)
    if settings.sms_gateway == "aliyun":
        from activities.aliyun_sms import AliyunGateway  # its SDK only where it is used

        return AliyunGateway(settings)
    if settings.sms_gateway == "tencent":
        from activities.tencent_sms import TencentGateway  # its SDK only where it is used

        return TencentGateway(settings)
    if settings.sms_gateway == "log":
        return KeptOnlyGateway()
    return None
