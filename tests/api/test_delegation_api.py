"""二级派单 over HTTP: the hierarchy in the catalogue (with its history), passing a ticket
down and back up, who sees what under it, and statistics rolled up the hierarchy."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from schema.policy import Policy
from schema.ticket import Role
from services import hierarchy
from tests.support.api_client import Api

CITY = ZoneInfo(Policy().timezone)


def in_days(days: int) -> str:
    return (datetime.now(CITY) + timedelta(days=days)).date().isoformat()


async def district_with_street_and_community(api: Api) -> tuple[str, str, str, str]:
    """A district of its own, its government, a street under it and a community under that."""
    district = await api.new_district()
    government = f"{district}-gov"
    admin = api.token(Role.ADMIN)
    street, community = f"{district}-street", f"{district}-community"
    for code, parent, kind in ((street, government, "township"), (community, street, "community")):
        created = await api.http.post(
            "/v1/departments",
            headers=admin,
            json={
                "code": code,
                "name": code,
                "name_zh": "街道" if kind == "township" else "社区",
                "kind": kind,
                "district": district,
                "parent": parent,
                "note": "the four-level network",
            },
        )
        assert created.status_code == 201 and created.json()["parent"] == parent, created.text
    return district, government, street, community


async def test_the_hierarchy_is_kept_with_its_history(api: Api) -> None:
    _, government, street, community = await district_with_street_and_community(api)
    admin = api.token(Role.ADMIN)
    cycle = await api.http.patch(
        f"/v1/departments/{government}", headers=admin, json={"parent": community}
    )
    assert cycle.status_code == 422 and "under itself" in cycle.json()["error"]["message"]
    unknown = await api.http.patch(
        f"/v1/departments/{street}", headers=admin, json={"parent": f"x-{uuid.uuid4().hex[:6]}"}
    )
    assert unknown.status_code == 422
    moved = await api.http.patch(
        f"/v1/departments/{community}",
        headers=admin,
        json={"parent": government, "note": "the street was merged"},
    )
    assert moved.status_code == 200 and moved.json()["parent"] == government
    to_top = await api.http.patch(
        f"/v1/departments/{community}", headers=admin, json={"parent": None}
    )
    assert to_top.json()["parent"] is None
    changes = (
        await api.http.get(
            "/v1/catalogue-changes",
            headers=admin,
            params={"entity": "department", "key": community},
        )
    ).json()
    assert [(c["before"] or {}).get("parent") for c in changes] == [government, street, None]
    assert [(c["after"] or {}).get("parent") for c in changes] == [None, government, street]


async def test_two_concurrent_moves_never_leave_a_cycle(api: Api) -> None:
    """A under B and B under A, sent together: exactly one is placed, the other refused
    against the tree the first left; never both (a cycle: each would read the other's
    tickets and pass tickets "down" to it)."""
    _, government, street, community = await district_with_street_and_community(api)
    admin = api.token(Role.ADMIN)

    async def move(code: str, parent: str | None) -> int:
        answer = await api.http.patch(
            f"/v1/departments/{code}", headers=admin, json={"parent": parent}
        )
        return answer.status_code

    for _ in range(8):
        assert await move(street, None) == 200 and await move(community, None) == 200
        statuses = await asyncio.gather(move(street, community), move(community, street))
        assert sorted(statuses) == [200, 422], statuses
        tree = {
            unit["code"]: unit["parent"]
            for unit in (await api.http.get("/v1/departments", headers=admin)).json()
        }
        assert not (tree[street] == community and tree[community] == street), tree
    assert await move(street, government) == 200 and await move(community, street) == 200


def test_a_stored_cycle_ends_every_walk() -> None:
    """An older version may have stored a cycle: the walks up and down still end."""
    tree = {"a": "b", "b": "c", "c": "a", "d": "a"}
    assert hierarchy.ancestors(tree, "a") == ["b", "c"]
    assert hierarchy.ancestors(tree, "d") == ["a", "b", "c"]
    assert hierarchy.under(tree, "a") == {"a", "b", "c", "d"}


async def test_passed_down_to_a_street_and_accepted_up(api: Api) -> None:
    district, government, street, community = await district_with_street_and_community(api)
    no = (await api.create(category="uncatalogued", district=district))["ticket_no"]
    await api.act(no, "dispatch", api.agent, {"lead": government})
    lead, below = api.department(government), api.department(street)
    await api.act(no, "sign", lead, {})
    outside = await api.http.post(
        f"/v1/tickets/{no}/delegate", headers=lead, json={"unit": "housing", "reply_by": in_days(2)}
    )
    assert outside.status_code == 422 and "not under" in outside.json()["error"]["message"]
    late = await api.http.post(
        f"/v1/tickets/{no}/delegate", headers=lead, json={"unit": street, "reply_by": in_days(40)}
    )
    assert late.status_code == 422 and "own deadline" in late.json()["error"]["message"]
    assert (await api.http.get(f"/v1/tickets/{no}", headers=below)).status_code == 403
    passed = await api.act(no, "delegate", lead, {"unit": street, "reply_by": in_days(2)})
    assert passed["delegations"][0]["unit"] == street and "delegated_reply" in passed["deadlines"]
    assert passed["delegations"][0]["due_at"].endswith("Z")  # an instant in UTC, as all are
    assert (await api.http.get(f"/v1/tickets/{no}", headers=below)).status_code == 200
    # The community is under the street, not above it: the street's tickets are not its own.
    lowest = api.department(community)
    assert (await api.http.get(f"/v1/tickets/{no}", headers=lowest)).status_code == 403
    key = {"Idempotency-Key": f"sign-{uuid.uuid4().hex}"}
    first = await api.http.post(f"/v1/tickets/{no}/delegated-sign", headers=below | key, json={})
    again = await api.http.post(f"/v1/tickets/{no}/delegated-sign", headers=below | key, json={})
    assert first.status_code == again.status_code == 200, again.text
    not_yet = await api.http.post(
        f"/v1/tickets/{no}/delegated-review", headers=lead, json={"accept": True}
    )
    assert not_yet.status_code == 409
    await api.act(
        no, "delegated-reply", below, {"outcome": "resolved", "content": "街道已协调解决"}
    )
    wrong_side = await api.http.post(
        f"/v1/tickets/{no}/delegated-review", headers=below, json={"accept": True}
    )
    assert wrong_side.status_code == 409  # the street is on the chain, but the review is not its
    done = await api.act(no, "delegated-review", lead, {"accept": True, "note": "属实"})
    assert done["status"] == "callback" and done["delegations"] == []
    assert done["passed_to"] == [street]  # the street keeps reading what it worked on
    assert (await api.http.get(f"/v1/tickets/{no}/timeline", headers=below)).status_code == 200
    assert done["deadlines"]["callback"].endswith("Z")
    events = await api.timeline(no)
    assert events.count("delegated_signed") == 1  # the retry was not applied again
    assert (
        events.index("delegated")
        < events.index("delegated_reply_accepted")
        < events.index("replied")
    )


async def test_a_unit_sees_and_counts_what_is_under_it(api: Api) -> None:
    district, government, street, community = await district_with_street_and_community(api)
    no = (await api.create(category="uncatalogued", district=district))["ticket_no"]
    await api.act(no, "dispatch", api.agent, {"lead": community})  # straight to the community
    above = api.department(government)
    assert (await api.http.get(f"/v1/tickets/{no}", headers=above)).status_code == 200
    assert (await api.http.get(f"/v1/tickets/{no}/timeline", headers=above)).status_code == 200
    listed = await api.http.get("/v1/tickets", headers=above, params={"page_size": 200})
    assert no in [t["ticket_no"] for t in listed.json()["items"]]
    one_unit = await api.http.get(
        "/v1/tickets", headers=above, params={"department": community, "page_size": 200}
    )
    assert [t["ticket_no"] for t in one_unit.json()["items"]] == [no]
    upwards = await api.http.get(
        "/v1/tickets", headers=api.department(street), params={"department": government}
    )
    assert upwards.status_code == 403
    assert (
        await api.http.get(f"/v1/tickets/{no}", headers=api.department("housing"))
    ).status_code == 403
    today = {"from": in_days(0), "to": in_days(1)}
    stats = (
        await api.http.get("/v1/stats", params=today, headers=api.token(Role.SUPERVISOR))
    ).json()
    rolled = {unit["department"]: unit for unit in stats["rolled_up"]}
    assert rolled[government]["units"] == sorted([street, community])
    assert rolled[government]["tickets"] == rolled[street]["tickets"] == 1
    assert government not in {d["department"] for d in stats["departments"]}  # led nothing
