"""The citizen's link to their ticket (the SMS carries it): bound to one ticket and one
phone number, good until an instant, signed. Short enough for an SMS:
``<ticket no>.<until, base 36>.<signature>``. The phone is not in it, only in what is
signed (its keyed hash), so a link to a ticket whose number changed opens nothing."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

_TOKEN = re.compile(r"^([A-Za-z0-9-]{1,40})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{22})$")


@dataclass(frozen=True)
class CitizenLink:
    ticket_no: str
    until: int  # a Unix instant
    signature: str


def _signature(secret: str, ticket_no: str, until: int, phone_lookup: str) -> str:
    key = hmac.new(secret.encode(), b"hotline citizen links", hashlib.sha256).digest()
    message = f"{ticket_no}|{until}|{phone_lookup}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def citizen_token(secret: str, ticket_no: str, phone_lookup: str, until: int) -> str:
    return f"{ticket_no}.{_base36(until)}.{_signature(secret, ticket_no, until, phone_lookup)}"


def read_token(token: str) -> CitizenLink | None:
    """The link's parts, or None for anything not shaped as one."""
    found = _TOKEN.match(token)
    if found is None:
        return None
    return CitizenLink(found[1], int(found[2], 36), found[3])


def link_holds(secret: str, link: CitizenLink, phone_lookup: str, now: datetime) -> bool:
    expected = _signature(secret, link.ticket_no, link.until, phone_lookup)
    return hmac.compare_digest(expected, link.signature) and now.timestamp() <= link.until
