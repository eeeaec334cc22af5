"""The suite's fixed encryption key, so that every client in the tests (and the recorded
histories) agree."""

from __future__ import annotations

import base64

from hotline.payload_codec import EncryptionKeys, encrypted_data_converter

TEST_ENCRYPTION_KEYS = "test-1:" + base64.b64encode(bytes(range(32))).decode()
TEST_CONVERTER = encrypted_data_converter(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))
