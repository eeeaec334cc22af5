"""AES-GCM payload encryption with key ids: round trip, rotation, tampering, old payloads."""

from __future__ import annotations

import base64

import pytest
from temporalio.api.common.v1 import Payload

from hotline.payload_codec import ENCODING, KEY_ID, EncryptionCodec, EncryptionKeys, new_key_line

PLAIN = Payload(metadata={"encoding": b"json/plain"}, data=b'{"phone":"13812341234"}')


async def test_round_trip_hides_the_content() -> None:
    codec = EncryptionCodec(EncryptionKeys.parse(new_key_line("k1")))
    [sealed] = await codec.encode([PLAIN])
    assert sealed.metadata["encoding"] == ENCODING
    assert sealed.metadata[KEY_ID] == b"k1"
    assert b"13812341234" not in sealed.SerializeToString()
    assert await codec.decode([sealed]) == [PLAIN]
    [again] = await codec.encode([PLAIN])
    assert again.data != sealed.data  # a fresh nonce every time


async def test_rotation_new_key_encrypts_old_key_still_decrypts() -> None:
    old_line, new_line = new_key_line("2026a"), new_key_line("2026b")
    [under_old] = await EncryptionCodec(EncryptionKeys.parse(old_line)).encode([PLAIN])
    rotated = EncryptionCodec(EncryptionKeys.parse(f"{new_line},{old_line}"))
    [under_new] = await rotated.encode([PLAIN])
    assert under_new.metadata[KEY_ID] == b"2026b"
    assert await rotated.decode([under_old, under_new]) == [PLAIN, PLAIN]
    retired = EncryptionCodec(EncryptionKeys.parse(new_line))
    with pytest.raises(ValueError, match="no encryption key '2026a'"):
        await retired.decode([under_old])


async def test_tampering_is_detected() -> None:
    codec = EncryptionCodec(EncryptionKeys.parse(new_key_line("k1")))
    [sealed] = await codec.encode([PLAIN])
    last = sealed.data[-1] ^ 0x01  # a changed byte, whatever it was
    forged = Payload(metadata=dict(sealed.metadata), data=sealed.data[:-1] + bytes([last]))
    with pytest.raises(ValueError, match="does not decrypt"):
        await codec.decode([forged])


async def test_payloads_from_before_encryption_pass_through() -> None:
    codec = EncryptionCodec(EncryptionKeys.parse(new_key_line("k1")))
    assert await codec.decode([PLAIN]) == [PLAIN]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "at least one"),
        ("nokey", "id:base64key"),
        ("k:" + base64.b64encode(b"short").decode(), "32 bytes"),
        ("k:not base64!", "not valid base64"),
    ],
)
def test_bad_key_settings_are_refused(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        EncryptionKeys.parse(text)
