"""Reports on Temporal Schedules: created idempotently, run on time or by hand, read by API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from temporalio.client import ScheduleSpec

from schema.reports import ReportKind, ReportRequest
from schema.ticket import Actor, Role
from services.idempotency import scoped_key
from startup.schedules import REPORT_SCHEDULES, ensure_schedules
from tests.support.api_client import Api
from tests.support.policy import PolicyFile
from tests.support.waiting import eventually
from workflows.reports import ReportWorkflow


async def test_schedules_are_created_once_and_kept_up_to_date(api: Api) -> None:
    for _ in range(2):  # a second start changes nothing
        await ensure_schedules(
            api.temporal, task_queue=api.settings.task_queue, timezone="Asia/Shanghai"
        )
    assert REPORT_SCHEDULES["hotline-daily-report"][1] == "0 1 * * *"
    described = await api.temporal.get_schedule_handle("hotline-daily-report").describe()
    spec = described.schedule.spec
    assert isinstance(spec, ScheduleSpec)
    assert spec.time_zone_name == "Asia/Shanghai"
    [calendar] = spec.calendars  # the server stores the cron as a calendar: 01:00 every day
    assert (calendar.hour[0].start, calendar.minute[0].start) == (1, 0)
    assert (calendar.day_of_month[0].start, calendar.day_of_month[0].end) == (1, 31)


async def test_a_triggered_schedule_compiles_yesterdays_report(api: Api) -> None:
    await ensure_schedules(
        api.temporal, task_queue=api.settings.task_queue, timezone="Asia/Shanghai"
    )
    handle = api.temporal.get_schedule_handle("hotline-daily-report")
    await handle.trigger()
    supervisor = api.token(Role.SUPERVISOR)
    yesterday = (
        (datetime.now(UTC).astimezone().astimezone(UTC) + timedelta(hours=8) - timedelta(days=1))
        .date()
        .isoformat()
    )  # the day before, in Shanghai

    async def compiled() -> list[dict[str, Any]] | None:
        listed: list[dict[str, Any]] = (
            await api.http.get("/v1/reports", params={"kind": "daily"}, headers=supervisor)
        ).json()
        return listed if any(r["id"] == f"daily-{yesterday}" for r in listed) else None

    listed = await eventually(compiled, within=15, message=f"daily-{yesterday} never compiled")
    assert f"daily-{yesterday}" in [r["id"] for r in listed]


HOT = 12


async def test_a_report_run_by_hand_reads_as_json_and_markdown(api: Api) -> None:
    district = await api.new_district()
    # Enough to be among the day's five hot spots, whatever else the suite registered today.
    for _ in range(HOT):
        await api.create(category="010202", district=district)
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # so "the day before" is today
    summary = await api.temporal.execute_workflow(
        ReportWorkflow.run,
        ReportRequest(kind=ReportKind.DAILY, as_of=tomorrow),
        id=f"report-test-{uuid.uuid4().hex[:6]}",
        task_queue=api.settings.task_queue,
    )
    supervisor = api.token(Role.SUPERVISOR)
    report = (await api.http.get(f"/v1/reports/{summary.id}", headers=supervisor)).json()
    assert report["kind"] == "daily" and report["content"]["total"] >= HOT
    assert {"category": "010202", "district": district, "tickets": HOT} in report["content"][
        "hot_spots"
    ]
    markdown = await api.http.get(
        f"/v1/reports/{summary.id}", params={"format": "markdown"}, headers=supervisor
    )
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert f"- 010202 in {district}: {HOT}" in markdown.text
    assert (await api.http.get(f"/v1/reports/{summary.id}", headers=api.agent)).status_code == 403
    assert (
        await api.http.get("/v1/reports/daily-1999-01-01", headers=supervisor)
    ).status_code == 404


async def test_every_rhythm_has_a_schedule(api: Api) -> None:
    await ensure_schedules(
        api.temporal, task_queue=api.settings.task_queue, timezone="Asia/Shanghai"
    )
    expected = {
        "hotline-daily-report": ([(1, 31)], 1),
        "hotline-dispatch-meeting": ([(6, 6), (16, 16), (26, 26)], 9),
        "hotline-ten-day-bulletin": ([(1, 1), (11, 11), (21, 21)], 2),
        "hotline-month-end-clearance": ([(1, 1)], 0),
        "hotline-monthly-audit": ([(1, 1)], 3),
    }
    assert set(REPORT_SCHEDULES) == set(expected)
    for schedule_id, (days, hour) in expected.items():
        spec = (await api.temporal.get_schedule_handle(schedule_id).describe()).schedule.spec
        assert isinstance(spec, ScheduleSpec)
        [calendar] = spec.calendars
        assert [(r.start, r.end or r.start) for r in calendar.day_of_month] == days, schedule_id
        assert calendar.hour[0].start == hour, schedule_id


async def run_report(api: Api, kind: ReportKind, as_of: datetime) -> dict[str, Any]:
    summary = await api.temporal.execute_workflow(
        ReportWorkflow.run,
        ReportRequest(kind=kind, as_of=as_of),
        id=f"report-test-{uuid.uuid4().hex[:6]}",
        task_queue=api.settings.task_queue,
    )
    response = await api.http.get(f"/v1/reports/{summary.id}", headers=api.token(Role.SUPERVISOR))
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    return report


async def test_the_dispatch_meeting_puts_a_hard_ticket_under_a_leader(
    api: Api, policy: PolicyFile
) -> None:
    policy.write('[sign]\nemergency = "1s"\nutility = "1s"\ngeneral = "1s"\ncomplex = "1s"\n')
    no = (await api.create())["ticket_no"]

    async def ticket_where(holds: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        ticket: dict[str, Any] = (await api.http.get(f"/v1/tickets/{no}", headers=api.agent)).json()
        return ticket if holds(ticket) else None

    await eventually(  # the sign deadline passes: overdue, a hard ticket
        lambda: ticket_where(lambda t: t["overdue"]),
        within=15,
        message="the ticket never went overdue",
    )
    report = await run_report(api, ReportKind.DISPATCH_MEETING, datetime.now(UTC))
    assert report["id"].startswith("dispatch_meeting-")
    assigned = {t["ticket_no"]: t for t in report["content"]["assigned_to_leaders"]}
    assert assigned[no]["reasons"] == ["overdue"]
    ticket = await eventually(
        lambda: ticket_where(lambda t: t["escalation_level"] == 4),
        within=15,
        message="the ticket never reached level 4",
    )
    (leader,) = [e for e in ticket["open_escalations"] if e["kind"] == "leader_supervision"]
    assert leader["raised_by"] == f"schedule:{report['id']}"
    assert leader["detail"]["leader"] == assigned[no]["leader"]
    # The next meeting lists it as under a leader already, and assigns it no second time.
    again = await run_report(api, ReportKind.DISPATCH_MEETING, datetime.now(UTC))
    assert no not in [t["ticket_no"] for t in again["content"]["assigned_to_leaders"]]
    assert no in [t["ticket_no"] for t in again["content"]["already_under_leaders"]]


async def test_bulletin_clearance_and_audit_run_by_hand(api: Api) -> None:
    open_no = (await api.create())["ticket_no"]
    closed = await api.create()
    await api.act(closed["ticket_no"], "withdraw", api.agent, {})
    lead = api.department("urban-management")
    rated = (await api.create())["ticket_no"]
    await api.act(rated, "sign", lead)
    await api.act(rated, "reply", lead, {"outcome": "resolved", "content": "done"})
    await api.act(rated, "rating", api.agent, {"satisfaction": "satisfied", "solved": True})
    next_month = (datetime.now(UTC) + timedelta(hours=8)).replace(day=28) + timedelta(days=5)
    first_of_next = next_month.replace(day=1, hour=1) - timedelta(hours=8)  # 01:00 Shanghai

    clearance = await run_report(api, ReportKind.CLEARANCE, first_of_next)
    rows = {r["ticket_no"]: r for r in clearance["content"]["tickets"]}
    assert rows[open_no]["blocker"] == "urban-management"
    assert closed["ticket_no"] not in rows

    audit = await run_report(api, ReportKind.AUDIT, first_of_next)
    content = audit["content"]
    assert content["population"] >= 1 and 1 <= len(content["tasks"]) <= 10
    assert content["seed"] > 0 and len(content["population_sha256"]) == 64

    bulletin = await run_report(api, ReportKind.BULLETIN, datetime.now(UTC) + timedelta(days=11))
    assert bulletin["id"].startswith("bulletin-")
    assert "overall" in bulletin["content"]["statistics"]
    markdown = await api.http.get(
        f"/v1/reports/{bulletin['id']}",
        params={"format": "markdown"},
        headers=api.token(Role.SUPERVISOR),
    )
    assert markdown.text.startswith("# Ten-day bulletin (十天一通报)")


async def test_a_supervisor_compiles_a_report_now_and_a_retry_joins_the_first_run(
    api: Api,
) -> None:
    supervisor = api.token(Role.SUPERVISOR)
    key = {"Idempotency-Key": f"compile-{uuid.uuid4().hex}"}
    first = await api.http.post(
        "/v1/reports", json={"kind": "clearance"}, headers={**supervisor, **key}
    )
    assert first.status_code == 201, first.text
    compiled = first.json()
    assert compiled["kind"] == "clearance" and compiled["id"].startswith("clearance-")
    again = await api.http.post(
        "/v1/reports", json={"kind": "clearance"}, headers={**supervisor, **key}
    )
    assert again.status_code == 201 and again.json()["id"] == compiled["id"]
    caller = Actor(role=Role.SUPERVISOR, sub="test-supervisor")
    run = scoped_key(caller, key["Idempotency-Key"])[:24]
    query = f"WorkflowId = 'report-clearance-by-hand-{run}'"

    async def listed_runs() -> list[str]:  # visibility trails the run by a moment
        return [w.run_id async for w in api.temporal.list_workflows(query)]

    runs = await eventually(listed_runs, within=10, message=f"Temporal never listed {query}")
    assert len(runs) == 1  # the retry joined the first run
    other = await api.http.post(
        "/v1/reports", json={"kind": "daily"}, headers={**supervisor, **key}
    )
    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    listed = (await api.http.get("/v1/reports", headers=supervisor)).json()
    assert compiled["id"] in [r["id"] for r in listed]

    unknown = await api.http.post("/v1/reports", json={"kind": "weekly"}, headers=supervisor)
    assert unknown.status_code == 422
    for refused in (api.token(Role.ADMIN), api.agent):
        answer = await api.http.post("/v1/reports", json={"kind": "daily"}, headers=refused)
        assert answer.status_code == 403
