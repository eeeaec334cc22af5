"""Short-lived links to a file: the id, which of its renditions, until when, and a keyed
signature over the three. A page puts them in ``<img src>``, where no bearer token can
go; whoever holds one was allowed to read the ticket when it was made, a few minutes ago."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"hotline file links", hashlib.sha256).digest()


def signature(secret: str, attachment_id: str, variant: str, until: int) -> str:
    message = f"{attachment_id}:{variant}:{until}".encode()
    digest = hmac.new(_key(secret), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def signed_path(secret: str, attachment_id: str, variant: str, until: int) -> str:
    sig = signature(secret, attachment_id, variant, until)
    return f"/v1/files/{attachment_id}?variant={variant}&until={until}&sig={sig}"


def link_holds(
    secret: str, attachment_id: str, variant: str, until: int, sig: str, now: datetime
) -> bool:
    """Signed by us for this file and rendition, and not yet expired."""
    expected = signature(secret, attachment_id, variant, until)
    return hmac.compare_digest(expected, sig) and now.timestamp() <= until
