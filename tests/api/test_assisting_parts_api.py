"""协办意见 over HTTP: the parts a reply used stay on the ticket and on its timeline, and a
part never given stays on the ticket, closed unanswered, once the lead replies."""

from __future__ import annotations

from typing import Any

from tests.support.api_client import Api

NOISE = "010501"  # the catalogue: ecology leads, urban management assists


async def reply_event(api: Api, no: str) -> dict[str, Any]:
    response = await api.http.get(f"/v1/tickets/{no}/timeline", headers=api.agent)
    (event,) = [e for e in response.json()["events"] if e["action"] == "replied"]
    detail: dict[str, Any] = event["detail"]
    return detail


async def test_the_parts_a_reply_used_and_those_never_given_stay_on_the_ticket(
    api: Api,
) -> None:
    lead, assisting = api.department("ecology"), api.department("urban-management")
    given = (await api.create(category=NOISE))["ticket_no"]
    await api.act(given, "part", assisting, {"content": "已核查施工许可"})
    await api.act(given, "sign", lead, {})
    reply = {"outcome": "resolved", "content": "已责令停工", "parts_used": ["urban-management"]}
    await api.act(given, "reply", lead, reply)
    ticket = (await api.http.get(f"/v1/tickets/{given}", headers=api.agent)).json()
    (part,) = ticket["parts"]
    assert part["department"] == "urban-management" and part["submitted_at"]
    assert part["used"] is True and part["closed_unanswered_at"] is None
    assert (await reply_event(api, given))["parts_used"] == ["urban-management"]

    never = (await api.create(category=NOISE))["ticket_no"]
    await api.act(never, "sign", lead, {})
    await api.act(never, "reply", lead, {"outcome": "explained", "content": "已说明"})
    ticket = (await api.http.get(f"/v1/tickets/{never}", headers=api.agent)).json()
    (part,) = ticket["parts"]
    assert part["department"] == "urban-management" and part["submitted_at"] is None
    assert part["closed_unanswered_at"] and part["used"] is False
    assert (await reply_event(api, never))["parts_used"] == []
