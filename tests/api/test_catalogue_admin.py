"""Catalogue administration: a joint consultation's decision becomes a rule, with history."""

from __future__ import annotations

import uuid

from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.catalogue import new_category


async def test_a_joint_consultation_settles_a_disputed_category(api: Api) -> None:
    admin = api.token(Role.ADMIN)
    category = await new_category(api)
    before = await api.create(category=category)
    assert before["status"] == "received"  # nobody knew whose it was

    decided = await api.http.post(
        "/v1/routing-rules",
        headers=admin,
        json={
            "category": category,
            "lead": "urban-management",
            "assisting": ["public-security"],
            "note": "joint consultation of 15 June, item 4",
        },
    )
    assert decided.status_code == 201, decided.text
    rule_id = decided.json()["id"]
    routed = await api.create(category=category)
    assert routed["status"] == "dispatched" and routed["lead_department"] == "urban-management"

    revised = await api.http.patch(
        f"/v1/routing-rules/{rule_id}",
        headers=admin,
        json={"lead": "public-security", "assisting": [], "note": "review of 1 July"},
    )
    assert revised.status_code == 200, revised.text
    assert (await api.create(category=category))["lead_department"] == "public-security"

    history = await api.http.get(
        "/v1/catalogue-changes",
        params={"entity": "routing_rule", "key": str(rule_id)},
        headers=api.token(Role.SUPERVISOR),
    )
    changes = history.json()
    assert [c["action"] for c in changes] == ["updated", "created"]  # newest first
    assert changes[0]["before"]["lead"] == "urban-management"
    assert changes[0]["after"]["lead"] == "public-security"
    assert changes[0]["note"] == "review of 1 July"
    assert changes[0]["actor"].startswith("admin:")
    assert changes[1]["before"] is None

    removed = await api.http.delete(
        f"/v1/routing-rules/{rule_id}",
        headers=admin,
        params={"note": "merged into the city-wide rule"},
    )
    assert removed.status_code == 204
    assert (await api.create(category=category))["status"] == "received"
    last = (
        await api.http.get("/v1/catalogue-changes", params={"key": str(rule_id)}, headers=admin)
    ).json()[0]
    assert last["action"] == "deleted" and last["after"] is None
    assert last["before"]["lead"] == "public-security"


async def test_catalogue_changes_are_validated(api: Api) -> None:
    admin = api.token(Role.ADMIN)
    category = await new_category(api)
    unknown_lead = await api.http.post(
        "/v1/routing-rules", headers=admin, json={"category": category, "lead": "ministry-of-magic"}
    )
    assert unknown_lead.status_code == 422
    lead_assists = await api.http.post(
        "/v1/routing-rules",
        headers=admin,
        json={"category": category, "lead": "housing", "assisting": ["housing"]},
    )
    assert lead_assists.status_code == 422
    first = await api.http.post(
        "/v1/routing-rules", headers=admin, json={"category": category, "lead": "housing"}
    )
    assert first.status_code == 201
    duplicate = await api.http.post(
        "/v1/routing-rules", headers=admin, json={"category": category, "lead": "transport"}
    )
    assert duplicate.status_code == 409
    per_district = await api.http.post(
        "/v1/routing-rules",
        headers=admin,
        json={"category": category, "district": "putuo", "lead": "transport"},
    )
    assert per_district.status_code == 201  # a district rule beside the city-wide one
    missing = await api.http.patch("/v1/routing-rules/999999", headers=admin, json={})
    assert missing.status_code == 404


async def test_only_admins_change_the_catalogue(api: Api) -> None:
    body = {"category": await new_category(api), "lead": "housing"}
    for role in (Role.AGENT, Role.SUPERVISOR, Role.INTEGRATOR, Role.DISCIPLINE):
        refused = await api.http.post("/v1/routing-rules", headers=api.token(role), json=body)
        assert refused.status_code == 403, role
    assert (
        await api.http.post("/v1/routing-rules", headers=api.department("housing"), json=body)
    ).status_code == 403
    history = await api.http.get("/v1/catalogue-changes", headers=api.department("housing"))
    assert history.status_code == 403


async def test_departments_are_added_and_retired_with_history(api: Api) -> None:
    admin = api.token(Role.ADMIN)
    code = f"veterans-{uuid.uuid4().hex[:6]}"
    created = await api.http.post(
        "/v1/departments",
        headers=admin,
        json={
            "code": code,
            "name": "Veterans Affairs Bureau",
            "name_zh": "退役军人事务局",
            "note": "new bureau from 1 January",
        },
    )
    assert created.status_code == 201 and created.json()["active"] is True
    again = await api.http.post(
        "/v1/departments", headers=admin, json={"code": code, "name": "x", "name_zh": "x"}
    )
    assert again.status_code == 409

    no = (await api.create(category="uncatalogued"))["ticket_no"]
    retired = await api.http.patch(
        f"/v1/departments/{code}", headers=admin, json={"active": False, "note": "merged"}
    )
    assert retired.json()["active"] is False
    dispatch = await api.http.post(
        f"/v1/tickets/{no}/dispatch", headers=api.agent, json={"lead": code}
    )
    assert dispatch.status_code == 422  # a retired unit gets no new tickets
    changes = (
        await api.http.get(
            "/v1/catalogue-changes", headers=admin, params={"entity": "department", "key": code}
        )
    ).json()
    assert [c["action"] for c in changes] == ["updated", "created"]
    assert (changes[0]["before"]["active"], changes[0]["after"]["active"]) == (True, False)
