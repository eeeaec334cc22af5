"""The ladder over HTTP (docs/api.md): supervise, joint meetings, discipline referrals and
the escalation history, end to end on the dev server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
from typing import Any

from schema.ticket import Role
from tests.support.api_client import Api
from tests.support.policy import PolicyFile
from tests.support.waiting import eventually

SUPERVISOR_DECISION = {
    "lead": "housing",
    "assisting": ["urban-management"],
    "plan": "housing clears the stairwell; urban management removes the stalls",
}


async def post(api: Api, path: str, headers: dict[str, str], body: Any = None) -> Any:
    return await api.http.post(f"/v1/tickets/{path}", json=body, headers=headers)


async def escalations(api: Api, **params: Any) -> list[dict[str, Any]]:
    response = await api.http.get(
        "/v1/escalations", params=params, headers=api.token(Role.SUPERVISOR)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_supervision_meeting_decision_and_referral_over_http(api: Api) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    commission = api.token(Role.DISCIPLINE)
    no = (await api.create())["ticket_no"]

    assert (await post(api, f"{no}/supervise", api.agent, {"note": "x"})).status_code == 403
    order = await api.act(no, "supervise", supervisor, {"note": "stalls still there"})
    assert (order["escalation_level"], order["supervision_tier"]) == (3, "blue")
    assert "supervision" in order["deadlines"]
    late = {"note": "x", "due": "2020-01-01T00:00:00+08:00"}
    assert (await post(api, f"{no}/supervise", supervisor, late)).status_code == 422

    # 吹哨报到: a line department may not blow the whistle; a supervisor may.
    meeting_body = {"departments": ["urban-management", "housing"], "agenda": "who leads?"}
    lead = api.department("urban-management")
    assert (await post(api, f"{no}/joint-meeting", lead, meeting_body)).status_code == 403
    unknown = {"departments": ["no-such-unit"], "agenda": "x"}
    assert (await post(api, f"{no}/joint-meeting", supervisor, unknown)).status_code == 422
    convened = await api.act(no, "joint-meeting", supervisor, meeting_body)
    assert convened["escalation_level"] == 5
    meeting = next(e for e in convened["open_escalations"] if e["kind"] == "joint_meeting")
    assert meeting["workflow_id"] == f"ticket-{no}/joint-meeting-1"
    again = await post(api, f"{no}/joint-meeting", supervisor, meeting_body)
    assert again.status_code == 409

    reported = await post(api, f"{no}/joint-meeting/report", api.department("housing"), {})
    assert reported.status_code == 200, reported.text
    assert set(reported.json()["reported"]) == {"housing"}
    outsider = await post(api, f"{no}/joint-meeting/report", api.department("water"), {})
    assert outsider.status_code == 403
    assert (await post(api, f"{no}/joint-meeting/report", supervisor, {})).status_code == 403

    decision = f"{no}/joint-meeting/decision"
    assert (await post(api, decision, api.agent, SUPERVISOR_DECISION)).status_code == 403
    bad_lead = {**SUPERVISOR_DECISION, "lead": "no-such-unit"}
    assert (await post(api, decision, supervisor, bad_lead)).status_code == 422
    decided = await post(api, decision, supervisor, SUPERVISOR_DECISION)
    assert decided.status_code == 200, decided.text
    assert decided.json()["outcome"] == "decided"

    async def re_dispatched() -> dict[str, Any] | None:
        ticket = (await api.http.get(f"/v1/tickets/{no}", headers=api.agent)).json()
        return ticket if ticket["lead_department"] == "housing" else None

    ticket = await eventually(re_dispatched)
    assert ticket["status"] == "dispatched"
    assert ticket["escalation_level"] == 5
    assert ticket["supervision_tier"] is None  # the old order went with the old dispatch
    late_report = await post(api, f"{no}/joint-meeting/report", lead, {})
    assert late_report.status_code == 409

    referral_body = {"reason": "housing ignored the meeting's plan"}
    assert (
        await post(api, f"{no}/discipline-referral", api.agent, referral_body)
    ).status_code == 403
    referred = await api.act(no, "discipline-referral", supervisor, referral_body)
    assert referred["escalation_level"] == 6
    outcome = f"{no}/discipline-referral/outcome"
    summons = {"outcome": "summons", "officials": ["王科长"], "note": "约谈"}
    assert (await post(api, outcome, supervisor, summons)).status_code == 403
    nameless = {"outcome": "summons", "officials": []}
    assert (await post(api, outcome, commission, nameless)).status_code == 422
    recorded = await post(api, outcome, commission, summons)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["outcome"] == "summons"

    async def referral_closed() -> list[dict[str, Any]]:
        found = await escalations(api, ticket_no=no, kind="discipline_referral")
        return [e for e in found if e["outcome"] == "summons"]

    (referral,) = await eventually(referral_closed)
    assert referral["department"] == "housing"
    assert referral["ended_by"] == "discipline:test-discipline"
    assert (await post(api, outcome, commission, summons)).status_code == 409

    history = await escalations(api, ticket_no=no)
    assert sorted((e["kind"], e["outcome"]) for e in history) == [
        ("discipline_referral", "summons"),
        ("joint_meeting", "decided"),
        ("supervision_order", "superseded"),
    ]
    actions = await api.timeline(no)
    for action in (
        "supervision_order",
        "joint_meeting_convened",
        "joint_meeting_report_in",
        "joint_meeting_decided",
        "discipline_referral",
        "discipline_outcome",
    ):
        assert action in actions

    # Temporal UI: the ticket is listed at level ≥ 5; the meeting runs under its parent.
    async def listed() -> list[Any]:
        query = f'WorkflowId = "ticket-{no}" AND EscalationLevel >= 5'
        return [w async for w in api.temporal.list_workflows(query)]

    assert await eventually(listed)
    child = await api.temporal.get_workflow_handle(f"ticket-{no}/joint-meeting-1").describe()
    assert child.parent_id == f"ticket-{no}"


async def test_escalation_history_filters_pages_and_exports_csv(api: Api) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    no = (await api.create())["ticket_no"]
    for note in ("blue", "orange", "red"):
        await api.act(no, "supervise", supervisor, {"note": note})
    led = await api.act(no, "supervise", supervisor, {"note": "to a leader", "leader": "李副市长"})
    assert led["escalation_level"] == 4

    async def first_in_line() -> bool:  # red tier: its tasks overtake a boundary's backlog
        described = await api.temporal.get_workflow_handle(f"ticket-{no}").describe()
        priority = described.raw_description.workflow_execution_info.priority
        return (priority.priority_key, priority.fairness_key) == (1, "dinghai")

    assert await eventually(first_in_line)

    for role in (Role.AGENT, Role.INTEGRATOR):
        denied = await api.http.get("/v1/escalations", headers=api.token(role))
        assert denied.status_code == 403
    department = api.department("urban-management")
    assert (await api.http.get("/v1/escalations", headers=department)).status_code == 403
    for role in (Role.DISCIPLINE, Role.ADMIN):
        readable = await api.http.get("/v1/escalations", headers=api.token(role))
        assert readable.status_code == 200

    rungs = await escalations(api, ticket_no=no)
    assert [(e["kind"], e["tier"], e["outcome"]) for e in reversed(rungs)] == [
        ("supervision_order", "blue", "escalated"),
        ("supervision_order", "orange", "escalated"),
        ("supervision_order", "red", "escalated"),
        ("leader_supervision", None, "open"),
    ]
    assert rungs[0]["detail"]["leader"] == "李副市长"
    assert rungs[0]["raised_by"] == "supervisor:test-supervisor"
    level4 = await escalations(api, ticket_no=no, level=4, department="urban-management")
    assert len(level4) == 1
    assert await escalations(api, ticket_no=no, outcome="escalated", min_level=3) == rungs[1:]
    first_page = await api.http.get(
        "/v1/escalations",
        params={"ticket_no": no, "page_size": 2, "page": 2},
        headers=supervisor,
    )
    assert first_page.json()["total"] == 4
    assert [e["id"] for e in first_page.json()["items"]] == [r["id"] for r in rungs[2:]]
    naive = await api.http.get(
        "/v1/escalations", params={"from": "2026-01-01T00:00:00"}, headers=supervisor
    )
    assert naive.status_code == 422

    exported = await api.http.get(
        "/v1/escalations", params={"ticket_no": no, "format": "csv"}, headers=supervisor
    )
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["tier"] for r in rows] == ["", "red", "orange", "blue"]
    assert rows[0]["leader"] == "李副市长"


async def test_a_district_government_blows_the_whistle_on_a_ticket_it_leads(api: Api) -> None:
    no = (await api.create(category="020304", district="dinghai"))["ticket_no"]
    body = {"departments": ["housing", "water"], "agenda": "the pump room floods"}
    outsider = api.department("putuo-gov")  # a government, but not this ticket's lead
    assert (await post(api, f"{no}/joint-meeting", outsider, body)).status_code == 403
    whistle = await api.act(no, "joint-meeting", api.department("dinghai-gov"), body)
    assert whistle["escalation_level"] == 5
    meeting = next(e for e in whistle["open_escalations"] if e["kind"] == "joint_meeting")
    assert meeting["raised_by"].startswith("department:dinghai-gov")


async def test_a_department_that_never_reports_in_is_recorded(api: Api, policy: PolicyFile) -> None:
    policy.write('[escalation]\nreport_in = "2s"\n')
    no = (await api.create())["ticket_no"]
    body = {"departments": ["housing", "water"], "agenda": "who leads?"}
    await api.act(no, "joint-meeting", api.token(Role.SUPERVISOR), body)
    await post(api, f"{no}/joint-meeting/report", api.department("housing"), {})

    async def missed() -> list[dict[str, Any]]:
        return await escalations(api, ticket_no=no, kind="missed_report_in")

    (absent,) = await eventually(missed)
    assert (absent["department"], absent["outcome"], absent["level"]) == ("water", "missed", 5)

    async def told() -> bool:  # notices are sent just after the read model is written
        inbox = await api.http.get(
            "/v1/notifications", params={"ticket_no": no}, headers=api.department("water")
        )
        return "joint_meeting_absent" in [n["kind"] for n in inbox.json()]

    assert await eventually(told)
    today = {"from": absent["raised_at"], "to": "2100-01-01T00:00:00+00:00"}
    stats = await api.http.get("/v1/stats", params=today, headers=api.token(Role.SUPERVISOR))
    water = next(d for d in stats.json()["departments"] if d["department"] == "water")
    assert water["missed_report_ins"] >= 1  # counted against it


async def test_a_referral_outlives_its_ticket_over_http(api: Api) -> None:
    no = (await api.create())["ticket_no"]
    await api.act(
        no, "discipline-referral", api.token(Role.SUPERVISOR), {"reason": "ignored orders"}
    )
    closed = await api.act(no, "withdraw", api.agent, {"reason": "moved away"})
    assert closed["status"] == "closed"
    commission = api.token(Role.DISCIPLINE)
    ack = await post(api, f"{no}/discipline-referral/acknowledge", commission, {})
    assert ack.status_code == 200, ack.text
    outcome = {"outcome": "accountability", "officials": ["赵局长"], "note": "问责"}
    recorded = await post(api, f"{no}/discipline-referral/outcome", commission, outcome)
    assert recorded.status_code == 200, recorded.text

    async def ticket_shows_it() -> dict[str, Any] | None:
        ticket = (await api.http.get(f"/v1/tickets/{no}", headers=api.agent)).json()
        return ticket if not ticket["open_escalations"] else None

    ticket = await eventually(ticket_shows_it)
    assert ticket["status"] == "closed" and ticket["escalation_level"] == 6
    actions = await api.timeline(no)
    assert actions[-3:] == ["closed", "discipline_referral_acknowledged", "discipline_outcome"]
    (referral,) = await escalations(api, ticket_no=no)
    assert referral["outcome"] == "accountability"
    assert referral["detail"]["officials"] == ["赵局长"]
