"""Merges that cross (并单): a request never loses the open ticket that carries it."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.support.api_client import Api


async def _merge_all(api: Api, pairs: list[tuple[str, str]]) -> list[httpx.Response]:
    """Send every ``duplicate into target`` merge at once."""
    return list(
        await asyncio.gather(
            *(
                api.http.post(
                    f"/v1/tickets/{duplicate}/merge", json={"into": target}, headers=api.agent
                )
                for duplicate, target in pairs
            )
        )
    )


async def _ticket(api: Api, no: str) -> dict[str, Any]:
    answer = await api.http.get(f"/v1/tickets/{no}", headers=api.agent)
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def _every_request_is_carried(api: Api, numbers: list[str]) -> dict[str, dict[str, Any]]:
    """Following ``merged_into`` from any ticket ends at an open one, and every merged
    ticket is named in its target's timeline."""
    tickets = {no: await _ticket(api, no) for no in numbers}
    for no in numbers:
        seen = [no]
        while tickets[seen[-1]]["closure_reason"] == "merged":
            target = tickets[seen[-1]]["merged_into"]
            assert target not in seen, f"merge cycle {[*seen, target]}"
            assert "duplicate_merged" in await api.timeline(target), (seen[-1], target)
            seen.append(target)
        assert tickets[seen[-1]]["status"] != "closed", seen
    return tickets


async def test_two_tickets_merged_into_each_other_at_once_leave_one_open(api: Api) -> None:
    for _ in range(3):
        a = (await api.create())["ticket_no"]
        b = (await api.create())["ticket_no"]
        answers = await _merge_all(api, [(a, b), (b, a)])
        assert sorted(r.status_code for r in answers) == [200, 409], [r.text for r in answers]
        refused = next(r for r in answers if r.status_code == 409)
        assert refused.json()["error"]["code"] == "invalid_state"
        assert "refused the merge" in refused.json()["error"]["message"]
        # The ticket took the merge, then refused it: its outcome can be read back.
        loser = refused.request.url.path.split("/")[3]
        outcome = await api.http.get(
            f"/v1/tickets/{loser}/actions/merge/{refused.headers['Idempotency-Key']}",
            headers=api.agent,
        )
        assert outcome.json()["status"] == "refused", outcome.text
        assert outcome.json()["error"]["code"] == "invalid_state"
        tickets = await _every_request_is_carried(api, [a, b])
        assert sorted(t["status"] for t in tickets.values()) == ["closed", "dispatched"]


async def test_a_cycle_of_three_merges_leaves_a_ticket_open(api: Api) -> None:
    a, b, c = [(await api.create())["ticket_no"] for _ in range(3)]
    answers = await _merge_all(api, [(a, b), (b, c), (c, a)])
    codes = [r.status_code for r in answers]
    assert set(codes) <= {200, 409} and 409 in codes, [r.text for r in answers]
    tickets = await _every_request_is_carried(api, [a, b, c])
    closed = [no for no, t in tickets.items() if t["status"] == "closed"]
    assert len(closed) == codes.count(200)


async def test_a_merge_into_a_ticket_being_closed_is_refused_not_lost(api: Api) -> None:
    target = (await api.create())["ticket_no"]
    duplicate = (await api.create())["ticket_no"]
    withdraw = api.http.post(
        f"/v1/tickets/{target}/withdraw", json={"reason": "solved"}, headers=api.agent
    )
    merge = api.http.post(
        f"/v1/tickets/{duplicate}/merge", json={"into": target}, headers=api.agent
    )
    withdrawn, merged = await asyncio.gather(withdraw, merge)
    assert withdrawn.status_code == 200, withdrawn.text
    if merged.status_code == 200:  # the merge came first: the target carried it
        assert "duplicate_merged" in await api.timeline(target)
    else:
        assert merged.status_code == 409, merged.text
        assert (await _ticket(api, duplicate))["status"] != "closed"
