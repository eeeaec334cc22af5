"""Citizens' personal data at rest in the read model: sealed with the payload key ring.

A ticket's document keeps the citizen (name and phone) as one AES-256-GCM sealed text,
``sealed:<key id>:<base64 nonce+ciphertext>``, with the same keys as Temporal payloads
(``HOTLINE_ENCRYPTION_KEYS``): the first key seals, every key opens. Beside it, a keyed
hash of the phone number (HMAC-SHA256) lets a caller's earlier tickets be found without
storing the number. ``hotline reseal`` re-seals every ticket with the first key and
recomputes the hashes: run it after changing the key list (and once after upgrading, to
seal tickets stored before).

The column type (``schema.tables.SealedDocument``) seals and opens, so no reader can
forget to; each process sets the keys once, when it builds its worker or its API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from cryptography.exceptions import InvalidTag

from hotline.payload_codec import EncryptionKeys

PREFIX = "sealed"
_NONCE_BYTES = 12
_PURPOSE = b"hotline read model: citizen"


class Sealer:
    def __init__(self, keys: EncryptionKeys) -> None:
        self._keys = keys
        # Look-ups must survive a new first key, so they are keyed by the last one (the
        # oldest kept): `hotline reseal` recomputes them when that one is retired.
        self._lookup_key = hmac.new(keys.last_key(), b"hotline phone look-up", "sha256").digest()

    def seal(self, value: dict[str, Any]) -> str:
        key_id = self._keys.active_id
        nonce = secrets.token_bytes(_NONCE_BYTES)
        plain = json.dumps(value, ensure_ascii=False, sort_keys=True).encode()
        sealed = self._keys.cipher(key_id).encrypt(nonce, plain, _PURPOSE + key_id.encode())
        return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, text: str) -> dict[str, Any]:
        _, key_id, encoded = text.split(":", 2)
        data = base64.b64decode(encoded)
        try:
            plain = self._keys.cipher(key_id).decrypt(
                data[:_NONCE_BYTES], data[_NONCE_BYTES:], _PURPOSE + key_id.encode()
            )
        except InvalidTag as problem:
            raise ValueError(f"a sealed citizen does not open with key {key_id!r}") from problem
        opened: dict[str, Any] = json.loads(plain)
        return opened

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


def sealer() -> Sealer:
    if _sealer is None:
        raise RuntimeError("the read model's encryption keys are not set (hotline.sealing)")
    return _sealer
