"""The HTTP contract of docs/api.md, end to end: app, dev server, worker, read model."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import WorkflowExecutionStatus

from schema.tables import Ticket
from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.data import intake_json
from tests.support.policy import PolicyFile
from tests.support.waiting import eventually

REPLY = {"outcome": "resolved", "content": "the stalls moved to the night market"}
SATISFIED = {"satisfaction": "satisfied", "solved": True}


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    error: dict[str, str] = body["error"]
    assert error["code"] and error["message"]
    return error


async def test_intake_dispatches_and_honours_the_idempotency_key(api: Api) -> None:
    headers = {**api.agent, "Idempotency-Key": "call-0001-" + api.settings.task_queue}
    first = await api.http.post("/v1/tickets", json=intake_json(), headers=headers)
    assert first.status_code == 201, first.text
    ticket = first.json()
    assert first.headers["Location"] == f"/v1/tickets/{ticket['ticket_no']}"
    assert ticket["status"] == "dispatched"
    assert ticket["lead_department"] == "urban-management"
    assert set(ticket["deadlines"]) == {"sign", "reply", "return_until"}
    assert ticket["deadlines"]["sign"].endswith("Z") or "+" in ticket["deadlines"]["sign"]
    assert ticket["escalation_level"] == 0 and ticket["overdue"] is False
    assert ticket["rating"] is None and ticket["closure_reason"] is None
    again = await api.http.post("/v1/tickets", json=intake_json(), headers=headers)
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["ticket_no"] == ticket["ticket_no"]
    other = await api.create()
    assert other["ticket_no"] != ticket["ticket_no"]
    assert other["ticket_no"].startswith(api.settings.ticket_prefix)


async def test_the_temporal_ui_names_the_matter_without_the_citizen(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    described = await api.temporal.get_workflow_handle(f"ticket-{no}").describe()
    summary = await described.static_summary()
    assert summary == f"{no} 占道经营 · 定海区"
    details = await described.static_details()
    assert details == "投诉 · 城市管理 › 市容环境 › 占道经营 · 定海区"
    for line in (summary, details):
        assert "13812341234" not in (line or "") and "张三" not in (line or "")
    # Where it stands, kept by the worker (not in history): what it waits for, by when.
    handle = api.temporal.get_workflow_handle(f"ticket-{no}")
    metadata = await handle.query("__temporal_workflow_metadata")
    assert re.fullmatch(r"待签收 · 截止 \d\d-\d\d \d\d:\d\d", metadata.current_details)
    await api.http.post(f"/v1/tickets/{no}/sign", headers=api.department("urban-management"))
    metadata = await handle.query("__temporal_workflow_metadata")
    assert metadata.current_details.startswith("办理中 · 截止 ")


async def test_emergencies_go_first_and_districts_take_turns(api: Api) -> None:
    """Task-queue priority and a fairness key per district, fixed when the ticket starts."""
    plain = (await api.create())["ticket_no"]
    urgent = (await api.create(urgency="emergency"))["ticket_no"]
    for no, key in ((plain, 3), (urgent, 1)):
        described = await api.temporal.get_workflow_handle(f"ticket-{no}").describe()
        priority = described.raw_description.workflow_execution_info.priority
        assert (priority.priority_key, priority.fairness_key) == (key, "dinghai")


async def test_concurrent_intakes_get_distinct_numbers(api: Api) -> None:
    created = await asyncio.gather(*(api.create() for _ in range(8)))
    numbers = [t["ticket_no"] for t in created]
    assert len(set(numbers)) == 8


async def test_a_full_life_over_http(api: Api) -> None:
    ticket = await api.create()
    no = ticket["ticket_no"]
    lead = api.department("urban-management")
    assert (await api.act(no, "sign", lead))["status"] == "handling"
    assert (await api.act(no, "reply", lead, REPLY))["status"] == "callback"
    closed = await api.act(no, "rating", api.agent, SATISFIED)
    assert closed["status"] == "closed" and closed["closure_reason"] == "rated"
    assert await api.timeline(no) == [
        "received",
        "dispatched",
        "signed",
        "replied",
        "rated",
        "closed",
    ]
    fetched = await api.http.get(f"/v1/tickets/{no}", headers=api.agent)
    assert fetched.json()["status"] == "closed"
    listed = await api.http.get(
        "/v1/tickets", params={"status": "closed", "page_size": 200}, headers=api.agent
    )
    assert no in [t["ticket_no"] for t in listed.json()["items"]]


async def test_the_long_road_return_extension_and_rework(api: Api) -> None:
    no = (await api.create(category="something-uncatalogued"))["ticket_no"]
    await api.act(no, "dispatch", api.agent, {"lead": "housing", "note": "by hand"})
    housing, market = api.department("housing"), api.department("market-supervision")
    await api.act(
        no,
        "return",
        housing,
        {"reason": "a stall's goods, not a building", "legal_basis": "city catalogue 2026 item 12"},
    )
    redispatched = await api.act(
        no, "return-review", api.agent, {"accept": True, "lead": "market-supervision"}
    )
    assert redispatched["lead_department"] == "market-supervision"
    await api.act(no, "sign", market)
    await api.act(no, "progress", market, {"content": "supplier located"})
    asked = await api.act(no, "extension", market, {"working_days": 3, "reason": "lab tests"})
    assert asked["pending_review"] == "extension"
    approved = await api.act(no, "extension-review", api.agent, {"approve": True})
    assert approved["deadlines"]["reply"] > asked["deadlines"]["reply"]
    await api.act(no, "reply", market, REPLY)
    await api.act(no, "rating", api.agent, {"satisfaction": "unsatisfied", "solved": False})
    rework = await api.act(no, "rating-review", api.agent, {"reasonable": True})
    assert rework["status"] == "handling" and rework["rework_count"] == 1
    await api.act(no, "reply", market, REPLY)
    closed = await api.act(no, "rating", api.agent, SATISFIED)
    assert closed["closure_reason"] == "rated" and closed["return_count"] == 1
    assert await api.timeline(no) == [
        "received",
        "awaiting_dispatch",
        "dispatched",
        "returned",
        "return_accepted",
        "dispatched",
        "signed",
        "progress",
        "extension_requested",
        "extension_approved",
        "replied",
        "rated",
        "sent_back_for_rework",
        "replied",
        "rated",
        "closed",
    ]


async def test_answer_transfer_reject_withdraw(api: Api) -> None:
    answered = await api.create(category="something-uncatalogued", type="enquiry")
    view = await api.act(answered["ticket_no"], "answer", api.agent, {"content": "9 to 5"})
    assert view["status"] == "callback"
    with_110 = (await api.create(category="something-uncatalogued"))["ticket_no"]
    waiting = await api.act(with_110, "transfer-110", api.agent, {"reason": "a fight in progress"})
    assert waiting["status"] == "awaiting_110" and set(waiting["deadlines"]) == {
        "police_acceptance"
    }
    # Any integration may take calls in; only the one named as 110's speaks for 110.
    sms_gateway = api.token(Role.INTEGRATOR, sub="sms-gateway")
    for action, body in [
        ("police-accept", {"incident_no": "J-made-up"}),
        ("police-hand-back", {"reason": "not a police matter"}),
    ]:
        refused = await api.act(with_110, action, sms_gateway, body, expect=403)
        assert "not granted to speak for 110" in refused["error"]["message"]
    handed_over = await api.http.post(
        "/v1/tickets",
        json=intake_json(channel="110", police_incident_no="J2026-7"),
        headers=sms_gateway,
    )
    assert handed_over.status_code == 403, handed_over.text
    police = api.token(Role.INTEGRATOR, sub="police-110", speaks_for=frozenset({"110"}))
    from_110 = await api.http.post(
        "/v1/tickets", json=intake_json(channel="110", police_incident_no="J2026-7"), headers=police
    )
    assert from_110.status_code == 201, from_110.text
    accepted = await api.act(with_110, "police-accept", police, {"incident_no": "J2026-1"})
    assert accepted["closure_reason"] == "transferred_110"
    for action, body, reason in [
        ("reject", {"reason": "already before a court"}, "rejected"),
        ("withdraw", {}, "withdrawn"),
    ]:
        no = (await api.create(category="something-uncatalogued"))["ticket_no"]
        closed = await api.act(no, action, api.agent, body)
        assert closed["closure_reason"] == reason


async def test_merge(api: Api) -> None:
    earlier = (await api.create())["ticket_no"]
    duplicate = (await api.create())["ticket_no"]
    unknown = await api.http.post(
        f"/v1/tickets/{duplicate}/merge", json={"into": "X-404"}, headers=api.agent
    )
    assert unknown.status_code == 422
    merged = await api.act(duplicate, "merge", api.agent, {"into": earlier})
    assert merged["closure_reason"] == "merged" and merged["merged_into"] == earlier

    async def told() -> bool:  # the notice reaches the earlier ticket by signal
        return "duplicate_merged" in await api.timeline(earlier)

    await eventually(told, within=10, message="the earlier ticket never heard of the merge")
    assert "duplicate_merged" in await api.timeline(earlier)
    into_closed = await api.http.post(
        f"/v1/tickets/{earlier}/merge", json={"into": duplicate}, headers=api.agent
    )
    assert into_closed.status_code == 409


async def test_authentication_errors(api: Api) -> None:
    no_token = await api.http.post("/v1/tickets", json=intake_json())
    assert no_token.status_code == 401 and error_of(no_token)["code"] == "unauthenticated"
    forged = await api.http.get("/v1/tickets", headers={"Authorization": "Bearer not.a.jwt"})
    assert forged.status_code == 401
    expired = await api.http.get(
        "/v1/tickets", headers=api.token(Role.AGENT, ttl=timedelta(seconds=-5))
    )
    assert expired.status_code == 401 and "expired" in error_of(expired)["message"]


async def test_authorisation_errors(api: Api) -> None:
    by_department = await api.http.post(
        "/v1/tickets", json=intake_json(), headers=api.department("housing")
    )
    assert by_department.status_code == 403
    no = (await api.create())["ticket_no"]
    wrong_department = await api.http.post(
        f"/v1/tickets/{no}/sign", headers=api.department("housing")
    )
    assert wrong_department.status_code == 403
    assert "only the lead department (urban-management)" in error_of(wrong_department)["message"]
    agent_signs = await api.http.post(f"/v1/tickets/{no}/sign", headers=api.agent)
    assert agent_signs.status_code == 403
    peek = await api.http.get(f"/v1/tickets/{no}", headers=api.department("housing"))
    assert peek.status_code == 403
    peek_timeline = await api.http.get(
        f"/v1/tickets/{no}/timeline", headers=api.department("housing")
    )
    assert peek_timeline.status_code == 403
    others = await api.http.get(
        "/v1/tickets", params={"department": "urban-management"}, headers=api.department("housing")
    )
    assert others.status_code == 403


async def test_state_and_input_errors_change_nothing(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    lead = api.department("urban-management")
    early_reply = await api.http.post(f"/v1/tickets/{no}/reply", json=REPLY, headers=lead)
    assert early_reply.status_code == 409
    assert error_of(early_reply)["code"] == "invalid_state"
    bad_body = await api.http.post(
        f"/v1/tickets/{no}/reply", json={"outcome": "maybe"}, headers=lead
    )
    assert bad_body.status_code == 422 and error_of(bad_body)["code"] == "invalid_input"
    extra_field = await api.http.post(
        "/v1/tickets", json={**intake_json(), "priority": 1}, headers=api.agent
    )
    assert extra_field.status_code == 422
    missing_citizen = {k: v for k, v in intake_json().items() if k != "citizen"}
    missing = await api.http.post("/v1/tickets", json=missing_citizen, headers=api.agent)
    assert missing.status_code == 422 and "citizen" in error_of(missing)["message"]
    bad_phone = await api.http.post(
        "/v1/tickets",
        json=intake_json(citizen={"name": "李四", "phone": "call me"}),
        headers=api.agent,
    )
    assert bad_phone.status_code == 422
    unknown_lead = await api.http.post(
        f"/v1/tickets/{(await api.create(category='uncatalogued'))['ticket_no']}/dispatch",
        json={"lead": "ministry-of-magic"},
        headers=api.agent,
    )
    assert unknown_lead.status_code == 422
    assert error_of(unknown_lead)["code"] == "unknown_department"
    assert await api.timeline(no) == ["received", "dispatched"]  # nothing was applied


async def test_unknown_and_closed_tickets(api: Api) -> None:
    unknown = await api.http.get("/v1/tickets/NOPE-1", headers=api.agent)
    assert unknown.status_code == 404 and error_of(unknown)["code"] == "unknown_ticket"
    unknown_action = await api.http.post("/v1/tickets/NOPE-1/withdraw", json={}, headers=api.agent)
    assert unknown_action.status_code == 404
    no = (await api.create())["ticket_no"]
    await api.act(no, "withdraw", api.agent, {})

    async def completed() -> bool:  # the workflow completes just after answering
        described = await api.temporal.get_workflow_handle(f"ticket-{no}").describe()
        return described.status == WorkflowExecutionStatus.COMPLETED

    await eventually(completed, within=10, message="the withdrawn ticket's workflow never ended")
    again = await api.http.post(f"/v1/tickets/{no}/withdraw", json={}, headers=api.agent)
    assert again.status_code == 409 and "closed" in error_of(again)["message"]


async def test_lists_filter_and_scope(api: Api) -> None:
    ecology = await api.create(category="010501", district="xincheng")
    await api.create(category="010202", district="xincheng")
    mine = await api.http.get(
        "/v1/tickets", params={"page_size": 200}, headers=api.department("ecology")
    )
    numbers = [t["ticket_no"] for t in mine.json()["items"]]
    assert ecology["ticket_no"] in numbers
    assert all(
        t["lead_department"] == "ecology" or "ecology" in t["assisting_departments"]
        for t in mine.json()["items"]
    )
    # urban-management assists on construction noise: it sees that ticket too.
    assisting = await api.http.get(
        "/v1/tickets", params={"page_size": 200}, headers=api.department("urban-management")
    )
    assert ecology["ticket_no"] in [t["ticket_no"] for t in assisting.json()["items"]]
    filtered = await api.http.get(
        "/v1/tickets",
        params={"district": "xincheng", "category": "010202"},
        headers=api.agent,
    )
    assert filtered.json()["total"] >= 1
    assert {t["category"] for t in filtered.json()["items"]} == {"010202"}
    page = await api.http.get("/v1/tickets", params={"page_size": 1, "page": 2}, headers=api.agent)
    assert page.json()["page"] == 2 and len(page.json()["items"]) == 1
    naive = await api.http.get(
        "/v1/tickets", params={"created_from": "2026-01-01T00:00:00"}, headers=api.agent
    )
    assert naive.status_code == 422


async def test_notifications_inbox(api: Api) -> None:
    no = (await api.create(category="010202"))["ticket_no"]
    inbox = await api.http.get(
        "/v1/notifications", params={"ticket_no": no}, headers=api.department("housing")
    )
    assert [(n["recipient"], n["kind"]) for n in inbox.json()] == [("housing", "dispatched")]
    assisting = await api.http.get("/v1/notifications", params={"ticket_no": no}, headers=api.agent)
    assert {n["recipient"] for n in assisting.json()} == {
        "housing",
        "comprehensive-enforcement",
        "natural-resources",
    }


async def test_catalogue_reads(api: Api) -> None:
    departments = await api.http.get("/v1/departments", headers=api.agent)
    assert len(departments.json()) >= 20
    rules = await api.http.get(
        "/v1/routing-rules", params={"category": "030804"}, headers=api.agent
    )
    assert rules.json()[0]["lead"] == "market-supervision"


async def listed_in_temporal(api: Api, query: str) -> list[str]:
    """The workflows Temporal's list answers the query with, once it answers with any:
    visibility is eventually consistent."""

    async def listed() -> list[str]:
        return [w.id async for w in api.temporal.list_workflows(query)]

    found: list[str] = await eventually(listed, within=5)
    return found


async def test_search_attributes_show_the_ticket_in_temporal(api: Api) -> None:
    no = (await api.create(category="010202"))["ticket_no"]
    query = (
        f"WorkflowId = 'ticket-{no}' AND Category = '010202' "
        "AND LeadDepartment = 'housing' AND EscalationLevel = 0 AND Overdue = false"
    )
    assert await listed_in_temporal(api, query) == [f"ticket-{no}"]
    # Its status changes with every action: a new ticket leaves it to the read model and
    # to its current details (schema.search_attributes.LEAN_KEYS).
    unindexed = f"WorkflowId = 'ticket-{no}' AND TicketStatus IS NULL AND SignDue IS NULL"
    assert await listed_in_temporal(api, unindexed) == [f"ticket-{no}"]


async def test_a_drill_policy_climbs_the_ladder_in_seconds(api: Api, policy: PolicyFile) -> None:
    policy.write('[sign]\nemergency = "2s"\nutility = "2s"\ngeneral = "2s"\ncomplex = "2s"\n')
    no = (await api.create())["ticket_no"]

    async def overdue_ticket() -> dict[str, Any] | None:
        ticket: dict[str, Any] = (await api.http.get(f"/v1/tickets/{no}", headers=api.agent)).json()
        return ticket if ticket["overdue"] else None

    ticket = await eventually(overdue_ticket, within=10, message="the ticket never went overdue")
    assert ticket["overdue"] and ticket["escalation_level"] == 2

    async def climbed() -> bool:  # the query sees the rung while its publication is written
        return (await api.timeline(no))[-2:] == ["deadline_warning", "reminder"]

    assert await eventually(climbed)
    overdue = await api.http.get(
        "/v1/tickets", params={"overdue": "true", "page_size": 200}, headers=api.agent
    )
    assert no in [t["ticket_no"] for t in overdue.json()["items"]]
    query = f"WorkflowId = 'ticket-{no}' AND Overdue = true AND EscalationLevel = 2"

    async def listed() -> list[str]:
        return [w.id async for w in api.temporal.list_workflows(query)]

    found = await eventually(listed, within=10, message=f"Temporal never listed {query}")
    assert found == [f"ticket-{no}"]


async def test_a_late_part_leaves_the_tickets_level_and_its_search_attribute_at_the_leads(
    api: Api, policy: PolicyFile
) -> None:
    """协办意见 owed in 2 s: its warning and reminder are the assisting department's, so the
    ticket and its EscalationLevel stay at the lead's 0 while the lead is on time."""
    policy.write('assist_part = "2s"\n')
    no = (await api.create(category="010501"))["ticket_no"]

    async def part_reminded() -> bool:
        return "reminder" in await api.timeline(no)

    assert await eventually(part_reminded)
    signed = await api.http.post(
        f"/v1/tickets/{no}/sign", json={}, headers=api.department("ecology")
    )
    assert signed.status_code == 200
    ticket = signed.json()
    assert ticket["escalation_level"] == 0 and not ticket["overdue"]
    (rung,) = ticket["open_escalations"]
    assert (rung["kind"], rung["department"]) == ("reminder", "urban-management")
    # No upsert in its history ever set another level than the lead's 0.
    history = await api.temporal.get_workflow_handle(f"ticket-{no}").fetch_history()
    levels = [
        fields["EscalationLevel"].data
        for event in history.events
        if event.HasField("upsert_workflow_search_attributes_event_attributes")
        for fields in [
            event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
        ]
        if "EscalationLevel" in fields
    ]
    assert levels == [b"0"]  # set once, at registration


async def test_prometheus_metrics(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    await api.http.get(f"/v1/tickets/{no}", headers=api.agent)
    scraped = (await api.http.get("/metrics")).text
    assert 'hotline_http_requests_total{method="POST",route="/v1/tickets",status="201"}' in scraped
    assert 'route="/v1/tickets/{ticket_no}"' in scraped
    assert no not in scraped  # routes are templates: no ticket numbers, no personal data
    dispatched = re.search(
        r'hotline_tickets\{escalation_level="0",status="dispatched"\} (\d+)', scraped
    )
    assert dispatched and float(dispatched.group(1)) >= 1
    assert "hotline_http_request_duration_seconds_bucket" in scraped


async def test_an_action_retried_with_its_key_is_applied_once(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    lead = {**api.department("urban-management"), "Idempotency-Key": "sign-attempt-1"}
    first = await api.http.post(f"/v1/tickets/{no}/sign", headers=lead)
    again = await api.http.post(f"/v1/tickets/{no}/sign", headers=lead)  # e.g. after a 503
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "handling"
    other_key = {**lead, "Idempotency-Key": "sign-attempt-2"}
    assert (await api.http.post(f"/v1/tickets/{no}/sign", headers=other_key)).status_code == 409
    assert (await api.timeline(no)).count("signed") == 1


async def test_statistics_endpoint(api: Api, policy: PolicyFile) -> None:
    started = datetime.now(UTC)  # the server stamps our tickets after this instant
    policy.write('[sign]\nemergency = "1s"\nutility = "1s"\ngeneral = "1s"\ncomplex = "1s"\n')
    late = (await api.create(category="010202"))["ticket_no"]  # housing, will miss

    async def reminded() -> bool:
        return "reminder" in await api.timeline(late)

    await eventually(reminded, within=10, message="the late ticket's lead was never reminded")
    policy.reset()
    on_time = (await api.create(category="010202"))["ticket_no"]
    housing = api.department("housing")
    await api.act(on_time, "sign", housing)
    await api.act(on_time, "reply", housing, REPLY)
    await api.act(on_time, "rating", api.agent, SATISFIED)
    period = {
        "from": started.isoformat(),
        "to": (datetime.now(UTC) + timedelta(seconds=1)).isoformat(),
    }
    response = await api.http.get("/v1/stats", params=period, headers=api.token(Role.SUPERVISOR))
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["overall"]["tickets"] == 2 and stats["overall"]["closed"] == 1
    assert stats["overall"]["response_rate"] == 0.5  # the drill ticket missed its sign limit
    assert stats["overall"]["satisfaction_rate"] == 1.0
    [department] = stats["departments"]
    assert department["department"] == "housing" and department["rank"] == 1
    assert department["composite"] == round(0.30 * 0.5 + 0.35 * 1.0 + 0.35 * 1.0, 4)
    refused = await api.http.get("/v1/stats", params=period, headers=api.agent)
    assert refused.status_code == 403
    naive = await api.http.get(
        "/v1/stats",
        headers=api.token(Role.SUPERVISOR),
        params={"from": "2026-01-01T00:00:00", "to": period["to"]},
    )
    assert naive.status_code == 422
    backwards = await api.http.get(
        "/v1/stats",
        headers=api.token(Role.SUPERVISOR),
        params={"from": period["to"], "to": period["from"]},
    )
    assert backwards.status_code == 422


async def test_likely_duplicates_are_offered_and_a_merge_tells_both_citizens(api: Api) -> None:
    district = await api.new_district()  # no other test's tickets
    first = await api.create(
        category="010301",
        district=district,
        description="环南路12号门口路面塌陷，一个大坑，晚上很危险",
    )
    similar = await api.create(
        category="010301",
        district=district,
        description="环南路12号门口路面塌陷了，有个大坑，夜里危险",
    )
    assert [d["ticket_no"] for d in similar["likely_duplicates"]] == [first["ticket_no"]]
    assert similar["likely_duplicates"][0]["similarity"] >= 0.6
    unrelated = await api.create(
        category="010301", district=district, description="公交站牌被车撞倒了"
    )
    assert unrelated["likely_duplicates"] == []
    elsewhere = await api.create(
        category="010101",
        district=district,
        description="环南路12号门口路面塌陷，一个大坑，晚上很危险",
    )
    assert elsewhere["likely_duplicates"] == []

    await api.act(similar["ticket_no"], "merge", api.agent, {"into": first["ticket_no"]})

    async def told() -> bool:  # the notice reaches the earlier ticket by signal
        return "duplicate_merged" in await api.timeline(first["ticket_no"])

    await eventually(told, within=10, message="the first ticket never heard of the merge")
    for no in (similar["ticket_no"], first["ticket_no"]):
        notices = (
            await api.http.get(
                "/v1/notifications",
                headers=api.agent,
                params={"ticket_no": no, "recipient": "citizen"},
            )
        ).json()
        assert len(notices) == 1, no
    again = await api.create(
        category="010301",
        district=district,
        description="环南路12号门口路面塌陷，一个大坑，晚上很危险",
    )
    assert [d["ticket_no"] for d in again["likely_duplicates"]] == [first["ticket_no"]]


async def test_suspension_over_http(api: Api) -> None:
    """挂起: asked by the lead, approved by the centre, resumed with the time left; a bad
    reason 422, the wrong department 403, resuming a running ticket 409; a retried request
    with its Idempotency-Key is applied once."""
    no = (await api.create(category="010501"))["ticket_no"]  # lead: ecology
    ecology = api.department("ecology")
    handling = await api.act(no, "sign", ecology)
    reply_due = handling["deadlines"]["reply"]
    wanted = {"reason": "等待市民补充材料", "expected_resume": "2099-01-01", "note": "照片"}
    await api.act(no, "suspend", ecology, {**wanted, "reason": "busy"}, expect=422)
    await api.act(no, "suspend", api.department("housing"), wanted, expect=403)
    await api.act(no, "resume", ecology, {}, expect=409)
    keyed = {**ecology, "Idempotency-Key": "suspend-once"}
    for _ in range(2):
        asked = await api.http.post(f"/v1/tickets/{no}/suspend", json=wanted, headers=keyed)
        assert asked.status_code == 200, asked.text
        assert asked.json()["pending_review"] == "suspension"
    suspended = await api.act(no, "suspension-review", api.agent, {"approve": True})
    assert suspended["status"] == "suspended" and suspended["suspended_since"]
    assert set(suspended["deadlines"]) == {"suspended"}
    await api.act(no, "reply", ecology, REPLY, expect=409)  # resume first
    listed = await api.http.get("/v1/tickets", params={"status": "suspended"}, headers=api.agent)
    assert no in [t["ticket_no"] for t in listed.json()["items"]]
    resumed = await api.act(no, "resume", api.agent, {})
    assert resumed["status"] == "handling" and resumed["suspension_count"] == 1
    assert resumed["deadlines"]["reply"] >= reply_due
    timeline = await api.timeline(no)
    assert timeline.count("suspension_requested") == 1
    assert timeline[-3:] == ["suspension_requested", "suspension_approved", "resumed"]


async def test_a_citizen_calling_again_reopens_the_closed_ticket(api: Api) -> None:
    """重新受理: a new ticket with the closed one's request, linked to it and sent to its
    lead; the closed ticket's timeline shows the link; an open ticket, a department or a
    repeated key are answered as such."""
    no = (await api.create(category="010501"))["ticket_no"]  # lead: ecology
    ecology = api.department("ecology")
    again = {"description": "又开始夜间施工了", "channel": "phone"}
    await api.act(no, "reopen", api.agent, again, expect=409)  # still open
    await api.act(no, "sign", ecology)
    await api.act(no, "reply", ecology, REPLY)
    await api.act(no, "rating", api.agent, SATISFIED)
    await api.act(no, "reopen", ecology, again, expect=403)
    keyed = {**api.agent, "Idempotency-Key": f"again-{no}"}
    first = await api.http.post(f"/v1/tickets/{no}/reopen", json=again, headers=keyed)
    assert first.status_code == 201, first.text
    reopened = first.json()
    assert reopened["reopens"] == no and reopened["ticket_no"] != no
    assert reopened["lead_department"] == "ecology" and reopened["status"] == "dispatched"
    assert reopened["description"] == again["description"]
    retried = await api.http.post(f"/v1/tickets/{no}/reopen", json=again, headers=keyed)
    assert retried.json()["ticket_no"] == reopened["ticket_no"]
    assert (await api.timeline(no))[-1] == "reopened_as"
    assert (await api.timeline(reopened["ticket_no"]))[:2] == ["received", "dispatched"]
    # A third call while the reopened ticket is open is about that ticket, not a new one.
    twice = await api.http.post(f"/v1/tickets/{no}/reopen", json=again, headers=api.agent)
    assert twice.status_code == 409 and reopened["ticket_no"] in twice.text, twice.text
    await api.act(reopened["ticket_no"], "withdraw", api.agent, {})
    later = await api.act(no, "reopen", api.agent, again, expect=201)  # once that one closed
    assert later["reopens"] == no and later["ticket_no"] != reopened["ticket_no"]


async def test_a_call_about_a_ticket_closed_long_ago_is_a_new_ticket(api: Api) -> None:
    """Past the policy's reopen_window (30 days) a ticket is not reopened: 409, and the
    closed ticket is left as it was."""
    no = (await api.create(category="010501"))["ticket_no"]
    await api.act(no, "withdraw", api.agent, {})
    async with api.read_model.sessions.begin() as session:  # as if it closed 31 days ago
        row = await session.get(Ticket, no)
        assert row is not None
        long_ago = datetime.now(UTC) - timedelta(days=31)
        row.document = {**row.document, "closed_at": long_ago.isoformat()}
    before = await api.timeline(no)
    again = {"description": "又开始夜间施工了", "channel": "phone"}
    refused = await api.http.post(f"/v1/tickets/{no}/reopen", json=again, headers=api.agent)
    assert refused.status_code == 409 and "closed more than 30d ago" in refused.text
    assert await api.timeline(no) == before
