"""Citizens' names and phone numbers, and every free text a person wrote, are sealed at rest
in the read model, citizens found again by a keyed hash of the phone, and all of it resealed
when the keys rotate."""

from __future__ import annotations

import base64

from sqlalchemy import text

from hotline import sealing
from hotline.payload_codec import EncryptionKeys
from hotline.reseal import reseal
from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.catalogue import new_category
from tests.support.keys import TEST_ENCRYPTION_KEYS

NAME, PHONE = "王小明", "13655556666"
QUOTED_PHONE, QUOTED_ID_CARD = "13912345678", "110101199003071234"
QUOTED = f"请回电 {QUOTED_PHONE}，身份证 {QUOTED_ID_CARD}"
NEW_KEY = "rotated-2:" + base64.b64encode(bytes(range(1, 33))).decode()


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


async def _back_to_the_suites_key(api: Api) -> None:
    sealing.use_keys(EncryptionKeys.parse(f"{TEST_ENCRYPTION_KEYS},{NEW_KEY}"))
    await reseal(api.read_model.sessions)
    sealing.use_keys(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))


async def test_reseal_moves_every_citizen_to_the_new_first_key(api: Api) -> None:
    no = (await api.create(citizen={"name": NAME, "phone": PHONE}))["ticket_no"]
    try:
        sealing.use_keys(EncryptionKeys.parse(f"{NEW_KEY},{TEST_ENCRYPTION_KEYS}"))
        assert (await reseal(api.read_model.sessions))["tickets"] >= 1
        stored, _ = await _raw_row(api, no)
        assert "sealed:rotated-2:" in stored and "sealed:test-1:" not in stored
        sealing.use_keys(EncryptionKeys.parse(NEW_KEY))  # the old key retired
        await reseal(api.read_model.sessions)
        _, lookup = await _raw_row(api, no)
        assert lookup == sealing.sealer().phone_lookup(PHONE)
        served = await api.http.get(f"/v1/tickets/{no}/citizen", headers=api.agent)
        assert served.json()["phone"] == PHONE
    finally:
        await _back_to_the_suites_key(api)


async def _stored_free_texts(api: Api, no: str, rule_id: int) -> list[str]:
    """Every value the read model holds, as stored, of the columns with free text in them:
    the ticket's rows, and a routing rule's with its change history."""
    queries = [
        "SELECT CAST(document AS TEXT) FROM tickets WHERE ticket_no = :no",
        "SELECT CAST(detail AS TEXT) FROM ticket_events WHERE ticket_no = :no",
        "SELECT message FROM notifications WHERE ticket_no = :no",
        "SELECT reason FROM escalations WHERE ticket_no = :no",
        "SELECT CAST(detail AS TEXT) FROM escalations WHERE ticket_no = :no",
        "SELECT note FROM routing_rules WHERE id = :rule",
        "SELECT note FROM catalogue_changes WHERE entity = 'routing_rule' AND key = :key",
        "SELECT CAST(after AS TEXT) FROM catalogue_changes"
        " WHERE entity = 'routing_rule' AND key = :key",
    ]
    found: list[str] = []
    async with api.read_model.engine.connect() as connection:
        for query in queries:
            rows = await connection.execute(
                text(query), {"no": no, "rule": rule_id, "key": str(rule_id)}
            )
            values = [row[0] for row in rows]
            assert values, query  # each column has something to check
            found += values
    return found


async def _served_free_texts(api: Api, no: str, rule_id: int) -> str:
    """What the API serves of them to the roles that read them in full."""
    supervisor, admin = api.token(Role.SUPERVISOR), api.token(Role.ADMIN)
    answers = [
        await api.http.get(f"/v1/tickets/{no}", headers=api.agent),
        await api.http.get(f"/v1/tickets/{no}/timeline", headers=api.agent),
        await api.http.get("/v1/notifications", params={"ticket_no": no}, headers=api.agent),
        await api.http.get("/v1/escalations", params={"ticket_no": no}, headers=supervisor),
        await api.http.get("/v1/routing-rules", headers=admin),
        await api.http.get(
            "/v1/catalogue-changes", params={"key": str(rule_id)}, headers=supervisor
        ),
    ]
    assert all(answer.status_code == 200 for answer in answers), [a.text for a in answers]
    return "\n".join(answer.text for answer in answers)


async def test_free_text_is_sealed_at_rest_and_resealed_with_a_new_key(api: Api) -> None:
    no = (await api.create(description=f"摊位占道 {QUOTED}"))["ticket_no"]
    lead = api.department("urban-management")
    await api.act(no, "sign", lead, {"note": QUOTED})
    await api.act(no, "progress", lead, {"content": f"进展 {QUOTED}"})
    await api.act(no, "supervise", api.token(Role.SUPERVISOR), {"note": f"督办 {QUOTED}"})
    rule = await api.http.post(
        "/v1/routing-rules",
        headers=api.token(Role.ADMIN),
        json={"category": await new_category(api), "lead": "water", "note": QUOTED},
    )
    assert rule.status_code == 201, rule.text
    rule_id = rule.json()["id"]

    stored = await _stored_free_texts(api, no, rule_id)
    assert not [v for v in stored if QUOTED_PHONE in v or QUOTED_ID_CARD in v]
    assert all("sealed:test-1:" in value for value in stored)
    served = await _served_free_texts(api, no, rule_id)
    assert served.count(QUOTED_PHONE) >= 8 and served.count(QUOTED_ID_CARD) >= 8
    try:
        sealing.use_keys(EncryptionKeys.parse(f"{NEW_KEY},{TEST_ENCRYPTION_KEYS}"))
        resealed = await reseal(api.read_model.sessions)
        assert {"ticket_events", "notifications", "escalations", "routing_rules"} <= {
            table for table, count in resealed.items() if count
        }
        stored = await _stored_free_texts(api, no, rule_id)
        assert not [v for v in stored if "sealed:test-1:" in v or "sealed:rotated-2:" not in v]
        sealing.use_keys(EncryptionKeys.parse(NEW_KEY))  # the old key retired
        assert await _served_free_texts(api, no, rule_id) == served
    finally:
        await _back_to_the_suites_key(api)
