"""Reports on Temporal Schedules: created idempotently, run on time or by hand, read by API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

from temporalio.client import ScheduleSpec

from hotline.schedules import REPORT_SCHEDULES, ensure_schedules
from schema.reports import ReportKind, ReportRequest
from schema.ticket import Role
from tests.api.conftest import Api
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
    for _ in range(100):
        listed = (
            await api.http.get("/v1/reports", params={"kind": "daily"}, headers=supervisor)
        ).json()
        if any(r["id"] == f"daily-{yesterday}" for r in listed):
            break
        await asyncio.sleep(0.1)
    assert f"daily-{yesterday}" in [r["id"] for r in listed]


async def test_a_report_run_by_hand_reads_as_json_and_markdown(api: Api) -> None:
    district = f"d-{uuid.uuid4().hex[:6]}"
    for _ in range(2):
        await api.create(category="wall-opening", district=district)
    tomorrow = datetime.now(UTC) + timedelta(days=1)  # so "the day before" is today
    summary = await api.temporal.execute_workflow(
        ReportWorkflow.run,
        ReportRequest(kind=ReportKind.DAILY, as_of=tomorrow),
        id=f"report-test-{uuid.uuid4().hex[:6]}",
        task_queue=api.settings.task_queue,
    )
    supervisor = api.token(Role.SUPERVISOR)
    report = (await api.http.get(f"/v1/reports/{summary.id}", headers=supervisor)).json()
    assert report["kind"] == "daily" and report["content"]["total"] >= 2
    assert {"category": "wall-opening", "district": district, "tickets": 2} in report["content"][
        "hot_spots"
    ]
    markdown = await api.http.get(
        f"/v1/reports/{summary.id}", params={"format": "markdown"}, headers=supervisor
    )
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert f"- wall-opening in {district}: 2" in markdown.text
    assert (await api.http.get(f"/v1/reports/{summary.id}", headers=api.agent)).status_code == 403
    assert (
        await api.http.get("/v1/reports/daily-1999-01-01", headers=supervisor)
    ).status_code == 404
