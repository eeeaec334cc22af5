"""Citizens' names and phone numbers are sealed at rest in the read model, found again by a
keyed hash of the phone, and resealed when the keys rotate."""

from __future__ import annotations

import base64

from sqlalchemy import text

from hotline import sealing
from hotline.payload_codec import EncryptionKeys
from hotline.reseal import reseal
from tests.api.conftest import Api
from tests.support import TEST_ENCRYPTION_KEYS

NAME, PHONE = "王小明", "13655556666"


async def _raw_row(api: Api, no: str) -> tuple[str, str | None]:
    async with api.read_model.engine.connect() as connection:
        row = (
            await connection.execute(
                text(
                    "SELECT CAST(document AS TEXT), phone_lookup FROM tickets WHERE ticket_no = :no"
                ),
                {"no": no},
            )
        ).one()
    return row[0], row[1]


async def test_the_citizen_is_sealed_at_rest_and_found_by_phone(api: Api) -> None:
    ticket = await api.create(citizen={"name": NAME, "phone": PHONE})
    no = ticket["ticket_no"]
    stored, lookup = await _raw_row(api, no)
    assert PHONE not in stored and NAME not in stored and "sealed:test-1:" in stored
    assert lookup == sealing.sealer().phone_lookup("+86 136-5555-6666")  # however written
    served = await api.http.get(f"/v1/tickets/{no}/citizen", headers=api.agent)
    assert served.json() == {"name": NAME, "phone": PHONE}


async def test_reseal_moves_every_citizen_to_the_new_first_key(api: Api) -> None:
    no = (await api.create(citizen={"name": NAME, "phone": PHONE}))["ticket_no"]
    new_key = "rotated-2:" + base64.b64encode(bytes(range(1, 33))).decode()
    try:
        sealing.use_keys(EncryptionKeys.parse(f"{new_key},{TEST_ENCRYPTION_KEYS}"))
        assert await reseal(api.read_model.sessions) >= 1
        stored, _ = await _raw_row(api, no)
        assert "sealed:rotated-2:" in stored and "sealed:test-1:" not in stored
        sealing.use_keys(EncryptionKeys.parse(new_key))  # the old key retired
        await reseal(api.read_model.sessions)
        _, lookup = await _raw_row(api, no)
        assert lookup == sealing.sealer().phone_lookup(PHONE)
        served = await api.http.get(f"/v1/tickets/{no}/citizen", headers=api.agent)
        assert served.json()["phone"] == PHONE
    finally:  # back to the suite's key, for the tests after this one
        sealing.use_keys(EncryptionKeys.parse(f"{TEST_ENCRYPTION_KEYS},{new_key}"))
        await reseal(api.read_model.sessions)
        sealing.use_keys(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))
