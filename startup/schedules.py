"""The hotline's rhythms as Temporal Schedules, created or updated at every worker start."""

from __future__ import annotations

import structlog
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from schema.reports import ReportKind, ReportRequest
from workflows.reports import ReportWorkflow

log = structlog.get_logger(__name__)

# Schedule id → (kind, cron in the city's time zone).
REPORT_SCHEDULES = {
    "hotline-daily-report": (ReportKind.DAILY, "0 1 * * *"),  # 01:00, for the day before
    "hotline-dispatch-meeting": (ReportKind.DISPATCH_MEETING, "0 9 6,16,26 * *"),  # 调度会
    "hotline-ten-day-bulletin": (ReportKind.BULLETIN, "0 2 1,11,21 * *"),  # the ten days before
    "hotline-month-end-clearance": (ReportKind.CLEARANCE, "30 0 1 * *"),  # the month before
    "hotline-monthly-audit": (ReportKind.AUDIT, "0 3 1 * *"),  # closed the month before
}


def report_schedule(kind: ReportKind, cron: str, task_queue: str, timezone: str) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ReportWorkflow.run,
            ReportRequest(kind=kind),
            id=f"report-{kind.value}",
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=[cron], time_zone_name=timezone),
    )


async def ensure_schedules(client: Client, *, task_queue: str, timezone: str) -> None:
    """Create each schedule, or bring an existing one up to date: safe on every start."""
    for schedule_id, (kind, cron) in REPORT_SCHEDULES.items():
        wanted = report_schedule(kind, cron, task_queue, timezone)
        try:
            await client.create_schedule(schedule_id, wanted)
            log.info("schedule created", schedule_id=schedule_id, cron=cron)
        except ScheduleAlreadyRunningError:

            def replace(_: ScheduleUpdateInput, schedule: Schedule = wanted) -> ScheduleUpdate:
                return ScheduleUpdate(schedule=schedule)

            await client.get_schedule_handle(schedule_id).update(replace)
