"""Encryption of every Temporal payload: citizens' names and phone numbers never sit in
plain text in workflow history.

AES-256-GCM with a random 96-bit nonce per payload. Each encrypted payload names its
key in its metadata, so keys rotate: put the new key first in
``HOTLINE_ENCRYPTION_KEYS`` and keep the old ones after it for as long as histories
encrypted with them are kept. Payloads written before encryption was switched on pass
through unchanged.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import secrets
from collections.abc import Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID = "encryption-key-id"
_NONCE_BYTES = 12


class EncryptionKeys:
    """Keys by id; the first one encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[tuple[str, bytes]]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        for key_id, key in keys:
            if len(key) != 32:
                raise ValueError(f"key {key_id!r} must be 32 bytes (AES-256), not {len(key)}")
        self.active_id = keys[0][0]
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys}
        self._last = keys[-1][1]

    def last_key(self) -> bytes:
        """The last (oldest kept) key's bytes, for keys derived from it."""
        return self._last

    @classmethod
    def parse(cls, text: str) -> EncryptionKeys:
        """``id:base64key,id:base64key`` — the format of ``HOTLINE_ENCRYPTION_KEYS``."""
        keys = []
        for item in filter(None, (part.strip() for part in text.split(","))):
            key_id, separator, encoded = item.partition(":")
            if not separator or not key_id:
                raise ValueError("write encryption keys as id:base64key[,id:base64key…]")
            try:
                keys.append((key_id, base64.b64decode(encoded, validate=True)))
            except binascii.Error as problem:
                raise ValueError(f"key {key_id!r} is not valid base64") from problem
        return cls(keys)

    def cipher(self, key_id: str) -> AESGCM:
        try:
            return self._ciphers[key_id]
        except KeyError:
            raise ValueError(f"no encryption key {key_id!r} is configured") from None


def new_key_line(key_id: str) -> str:
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def keys_from_file(path: Path) -> EncryptionKeys:
    """The keys kept in the data folder, made on first use (development set-ups only)."""
    if not path.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(new_key_line("dev-1") + "\n")
    return EncryptionKeys.parse(path.read_text().strip())


class EncryptionCodec(PayloadCodec):
    def __init__(self, keys: EncryptionKeys) -> None:
        self._keys = keys

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        key_id = self._keys.active_id
        cipher = self._keys.cipher(key_id)
        encoded = []
        for payload in payloads:
            nonce = secrets.token_bytes(_NONCE_BYTES)
            sealed = cipher.encrypt(nonce, payload.SerializeToString(), key_id.encode())
            encoded.append(
                Payload(
                    metadata={"encoding": ENCODING, KEY_ID: key_id.encode()}, data=nonce + sealed
                )
            )
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._open(payload) for payload in payloads]

    def _open(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCODING:
            return payload  # written before encryption, or not ours
        key_id = payload.metadata[KEY_ID].decode()
        nonce, sealed = payload.data[:_NONCE_BYTES], payload.data[_NONCE_BYTES:]
        try:
            plain = self._keys.cipher(key_id).decrypt(nonce, sealed, key_id.encode())
        except InvalidTag as problem:
            raise ValueError(f"payload does not decrypt with key {key_id!r}") from problem
        return Payload.FromString(plain)


def encrypted_data_converter(keys: EncryptionKeys) -> DataConverter:
    """The project's converter (Pydantic JSON) with every payload encrypted."""
    return dataclasses.replace(pydantic_data_converter, payload_codec=EncryptionCodec(keys))
