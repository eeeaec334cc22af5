"""Schedules that missed a run, for `hotline doctor`: each schedule's spec is asked for
the times it should have run (``ListScheduleMatchingTimes``) and those are compared with
the actions it took; its latest run is looked up too. Schedules are few (the five report
schedules), so each is described."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from google.protobuf.timestamp_pb2 import Timestamp
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.workflowservice.v1 import ListScheduleMatchingTimesRequest
from temporalio.client import Client
from temporalio.service import RPCError

from hotline.settings import Settings
from services.doctor_findings import (
    FAILED_RUNS,
    RPC_TIMEOUT,
    Budget,
    Checkup,
    Finding,
    Trouble,
    said,
    schedule_link,
)

SCHEDULES_AT_MOST = 100
KEPT_ACTIONS = 10  # the server keeps a schedule's last ten actions


def _timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


async def missed_schedules(
    client: Client, settings: Settings, budget: Budget, result: Checkup
) -> None:
    seen = 0
    async for listed in await client.list_schedules(page_size=SCHEDULES_AT_MOST):
        seen += 1
        if seen > SCHEDULES_AT_MOST or not budget.take():
            result.stopped_early.add(Trouble.SCHEDULE)
            break
        found = await _schedule_trouble(client, settings, listed.id, result.at, budget)
        if found is not None:
            result.findings.append(found)
    result.examined[Trouble.SCHEDULE] = seen


async def _schedule_trouble(
    client: Client, settings: Settings, schedule_id: str, now: datetime, budget: Budget
) -> Finding | None:
    described = await client.get_schedule_handle(schedule_id).describe(rpc_timeout=RPC_TIMEOUT)
    info, schedule = described.info, described.schedule
    what = getattr(schedule.action, "workflow", "")
    grace = timedelta(seconds=settings.doctor_schedule_grace_seconds)
    recent = sorted(info.recent_actions, key=lambda action: action.scheduled_at)
    # The server keeps the last ten actions: older times than those cannot be judged.
    start = max(info.created_at, now - timedelta(days=settings.doctor_schedule_lookback_days))
    if len(recent) >= KEPT_ACTIONS:
        start = max(start, recent[0].scheduled_at)
    due = await _matching_times(client, settings, schedule_id, start, now - grace)
    taken = {action.scheduled_at.replace(microsecond=0) for action in recent}
    missed = [moment for moment in due if moment.replace(microsecond=0) not in taken]
    facts: list[tuple[str, str | datetime]] = []
    if missed:
        facts += [("missed_runs", str(len(missed))), ("first_missed", missed[0])]
        if schedule.state.paused:
            facts.append(("paused", said(schedule.state.note or "") or "-"))
        if info.num_actions_missed_catchup_window:
            facts.append(("beyond_catchup", str(info.num_actions_missed_catchup_window)))
    last_run = await _failed_run(client, recent[-1], budget) if recent else None
    if last_run:
        facts.append(("failed_run", last_run))
    if not facts:
        return None
    return Finding(
        trouble=Trouble.SCHEDULE,
        subject=schedule_id,
        what=str(what),
        detail="",
        link=schedule_link(settings, schedule_id),
        since=missed[0] if missed else recent[-1].scheduled_at,
        facts=tuple(facts),
    )


async def _matching_times(
    client: Client, settings: Settings, schedule_id: str, start: datetime, end: datetime
) -> list[datetime]:
    if end <= start:
        return []
    answer = await client.workflow_service.list_schedule_matching_times(
        ListScheduleMatchingTimesRequest(
            namespace=settings.temporal_namespace,
            schedule_id=schedule_id,
            start_time=_timestamp(start),
            end_time=_timestamp(end),
        ),
        timeout=RPC_TIMEOUT,
    )
    return [stamp.ToDatetime(UTC) for stamp in answer.start_time]


async def _failed_run(client: Client, action: Any, budget: Budget) -> str | None:
    """What the schedule's latest run came to, when it failed."""
    started = action.action
    if not budget.take() or not getattr(started, "workflow_id", None):
        return None
    handle = client.get_workflow_handle(started.workflow_id, run_id=started.first_execution_run_id)
    try:
        description = await handle.describe(rpc_timeout=RPC_TIMEOUT)
    except RPCError:
        return None  # past retention
    status = description.raw_description.workflow_execution_info.status
    if status not in FAILED_RUNS:
        return None
    ended = WorkflowExecutionStatus.Name(status).removeprefix("WORKFLOW_EXECUTION_STATUS_")
    return f"{started.workflow_id}: {ended.lower()}"
