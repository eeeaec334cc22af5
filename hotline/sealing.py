"""Personal data at rest in the read model: sealed with the payload key ring.

Every column that holds what a person wrote — a ticket's document (its citizen, its
description, address, replies and comments), the timeline's details, notifications,
escalation reasons, reports, the catalogue's notes — is stored as one AES-256-GCM sealed
text, ``sealed:<key id>:<base64 nonce+ciphertext>``, with the same keys as Temporal
payloads (``HOTLINE_ENCRYPTION_KEYS``): the first key seals, every key opens. Beside the
document, a keyed hash of the phone number (HMAC-SHA256) lets a caller's earlier tickets
be found without storing the number. ``hotline reseal`` re-seals every sealed column with
the first key and recomputes the hashes: run it after changing the key list.

The column types (``schema.column_types.SealedJson``, ``SealedText``, ``SealedDocument``) seal
and open, so no reader can forget to; each process sets the keys once, when it builds its
worker or its API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from typing import Any, TypeGuard

from cryptography.exceptions import InvalidTag

from hotline.payload_codec import EncryptionKeys
from schema import column_types

PREFIX = "sealed"
_NONCE_BYTES = 12
_SEALED = re.compile(rf"{PREFIX}:[^:,]+:[A-Za-z0-9+/]+={{0,2}}\Z")
# Bound as associated data, so a sealed value opens only as what it was sealed as.
FREE_TEXT = b"hotline read model: free text"
CITIZEN = b"hotline read model: citizen"  # a document's citizen alone, as sealed before


def is_sealed(value: object) -> TypeGuard[str]:
    """Whether a stored value is sealed (anything else was stored in clear, before)."""
    return isinstance(value, str) and _SEALED.match(value) is not None


class Sealer:
    def __init__(self, keys: EncryptionKeys) -> None:
        self._keys = keys
        # Look-ups must survive a new first key, so they are keyed by the last one (the
        # oldest kept): `hotline reseal` recomputes them when that one is retired.
        self._lookup_key = hmac.new(keys.last_key(), b"hotline phone look-up", "sha256").digest()

    def seal(self, value: Any, purpose: bytes = FREE_TEXT) -> str:
        """Any JSON value (a text, a dict, …) sealed with the first key."""
        key_id = self._keys.active_id
        nonce = secrets.token_bytes(_NONCE_BYTES)
        plain = json.dumps(value, ensure_ascii=False).encode()
        sealed = self._keys.cipher(key_id).encrypt(nonce, plain, purpose + key_id.encode())
        return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, text: str, purpose: bytes = FREE_TEXT) -> Any:
        _, key_id, encoded = text.split(":", 2)
        data = base64.b64decode(encoded)
        try:
            plain = self._keys.cipher(key_id).decrypt(
                data[:_NONCE_BYTES], data[_NONCE_BYTES:], purpose + key_id.encode()
            )
        except InvalidTag as problem:
            raise ValueError(f"a sealed value does not open with key {key_id!r}") from problem
        return json.loads(plain)

    def opened(self, value: Any, purpose: bytes = FREE_TEXT) -> Any:
        """A stored value as it was written: opened if sealed, as it is if stored in clear."""
        return self.open(value, purpose) if is_sealed(value) else value

    def opened_document(self, stored: Any) -> Any:
        """A ticket's document as stored: sealed whole, or from before, its citizen alone
        sealed, or nothing sealed."""
        if is_sealed(stored):
            return self.open(stored)
        citizen = stored.get("citizen") if isinstance(stored, dict) else None
        if is_sealed(citizen):
            return {**stored, "citizen": self.open(citizen, CITIZEN)}
        return stored

    def sealed_with_active_key(self, text: str) -> bool:
        return text.startswith(f"{PREFIX}:{self._keys.active_id}:")

    def phone_lookup(self, phone: str) -> str:
        """The keyed hash a phone number is found by, whatever way it was written."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) == 13 and digits.startswith("86"):  # +86 13812341234
            digits = digits[2:]
        return hmac.new(self._lookup_key, digits.encode(), hashlib.sha256).hexdigest()


_sealer: Sealer | None = None


def use_keys(keys: EncryptionKeys) -> None:
    """Set the keys this process seals and opens the read model with."""
    global _sealer
    _sealer = Sealer(keys)
    column_types.seal_columns_with(_sealer)


def sealer() -> Sealer:
    if _sealer is None:
        raise RuntimeError("the read model's encryption keys are not set (hotline.sealing)")
    return _sealer
