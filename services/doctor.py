"""What is stuck (`hotline doctor`, the admin's 运行诊断 page): workflow tasks that keep
failing, activities retrying past a threshold, read-model rows that lag their ticket's
workflow, and schedules that missed a run.

How it bounds its work, however many tickets are open (a city has hundreds of thousands):

- Failing workflow tasks are found by visibility, not by describing tickets: the server
  flags a workflow with ``TemporalReportedProblems`` after a few consecutive task failures
  (``system.numConsecutiveWorkflowTaskProblemsToTriggerSearchAttribute``, 5 by default;
  ``hotline up`` says 3, the tests 2). Only flagged workflows are described, and their
  history read backwards to the last failure.
- Retrying activities are read from the descriptions of those flagged workflows and of
  the running workflows that are not tickets (reports, joint meetings, referrals: a few
  hundred at most). A ticket's own activities are local ones, retried inside its workflow
  task where no describe shows them (a publication that keeps failing is in the worker's
  log), but for a merge's claim, which retries only while its target does not answer.
- Read-model lag compares each visibility page of open tickets (1,000 a page, their search
  attributes) with their rows in one ``SELECT``, so 300,000 open tickets cost 300 list
  pages and 300 selects; only a ticket whose indexed lead, level, overdue flag, rework
  count, closure or status disagrees with its row, or that has no row, is queried, and
  its ``state`` decides.
- Schedules are few: each is described and its spec asked for the times it should have
  run (``ListScheduleMatchingTimes``).

Describes, history reads and queries together stop at ``doctor_detail_limit``; the scan
stops at ``doctor_scan_limit`` tickets. Whatever stopped early is named in the result.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.api.common.v1 import WorkflowExecution as ExecutionRef
from temporalio.api.enums.v1 import EventType, WorkflowTaskFailedCause
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.api.workflowservice.v1 import (
    GetWorkflowExecutionHistoryReverseRequest,
)
from temporalio.client import (
    Client,
    WorkflowExecution,
    WorkflowExecutionDescription,
    WorkflowQueryFailedError,
)
from temporalio.common import SearchAttributeKey
from temporalio.service import RPCError, RPCStatusCode

from hotline.settings import Settings
from schema import search_attributes as attrs
from schema.tables import Ticket
from services.doctor_findings import (
    RPC_TIMEOUT,
    Budget,
    Checkup,
    Finding,
    Trouble,
    said,
    utc,
    workflow_link,
)
from services.doctor_schedules import missed_schedules
from workflows.ticket.workflow import TicketWorkflow

TICKET_TYPE = "Ticket"
FLAGGED = (
    'ExecutionStatus="Running" AND TemporalReportedProblems IN '
    '("category=WorkflowTaskFailed", "category=WorkflowTaskTimedOut")'
)
NOT_TICKETS = f'ExecutionStatus="Running" AND WorkflowType != "{TICKET_TYPE}"'
OPEN_TICKETS = f'ExecutionStatus="Running" AND WorkflowType = "{TICKET_TYPE}"'
PAGE = 1000
# What a ticket indexes beside the read-model column that holds the same. A ticket started
# as generation 1 or later (schema.search_attributes.LEAN_KEYS) does not index its status.
COMPARED: tuple[tuple[SearchAttributeKey[Any], Any], ...] = (
    (attrs.TICKET_STATUS, Ticket.status),
    (attrs.LEAD_DEPARTMENT, Ticket.lead_department),
    (attrs.ESCALATION_LEVEL, Ticket.escalation_level),
    (attrs.OVERDUE, Ticket.overdue),
    (attrs.REWORK_COUNT, Ticket.rework_count),
    (attrs.CLOSURE_REASON, Ticket.closure_reason),
)
QUERIES_AT_ONCE = 16


async def checkup(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    now: datetime | None = None,
    scan_limit: int | None = None,
) -> Checkup:
    """``scan_limit`` below the settings' bounds the lag check for a page that must answer
    in seconds: visibility lists the newest tickets first."""
    started = time.monotonic()
    result = Checkup(at=now or datetime.now(UTC))
    budget = Budget(settings.doctor_detail_limit)
    described = await _failing_workflow_tasks(client, settings, budget, result)
    await _retrying_activities(client, settings, budget, described, result)
    scanned = min(scan_limit or settings.doctor_scan_limit, settings.doctor_scan_limit)
    await _lagging_read_model(client, sessions, settings, scanned, budget, result)
    await missed_schedules(client, settings, budget, result)
    result.seconds = time.monotonic() - started
    return result


async def _describe(client: Client, execution: WorkflowExecution) -> WorkflowExecutionDescription:
    handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
    return await handle.describe(rpc_timeout=RPC_TIMEOUT)


async def _failing_workflow_tasks(
    client: Client, settings: Settings, budget: Budget, result: Checkup
) -> list[WorkflowExecutionDescription]:
    described: list[WorkflowExecutionDescription] = []
    seen = 0
    try:
        async for execution in client.list_workflows(FLAGGED, page_size=100):
            seen += 1
            if not budget.take():
                result.stopped_early.add(Trouble.WORKFLOW_TASK)
                break
            description = await _describe(client, execution)
            described.append(description)
            cause, since = await _last_task_failure(client, settings, execution, budget)
            result.findings.append(
                Finding(
                    trouble=Trouble.WORKFLOW_TASK,
                    subject=execution.id,
                    what=execution.workflow_type,
                    detail=cause,
                    link=workflow_link(settings, execution.id, execution.run_id),
                    attempts=description.raw_description.pending_workflow_task.attempt or None,
                    since=since,
                )
            )
    except RPCError as problem:  # a server too old to know the attribute refuses the query
        if problem.status is not RPCStatusCode.INVALID_ARGUMENT:
            raise
        result.flags_unavailable = True
    result.examined[Trouble.WORKFLOW_TASK] = seen
    return described


async def _last_task_failure(
    client: Client, settings: Settings, execution: WorkflowExecution, budget: Budget
) -> tuple[str, datetime | None]:
    """The newest WorkflowTaskFailed's cause and message, read from the history's end."""
    if not budget.take():
        return "", None
    request = GetWorkflowExecutionHistoryReverseRequest(
        namespace=settings.temporal_namespace,
        execution=ExecutionRef(workflow_id=execution.id, run_id=execution.run_id or ""),
        maximum_page_size=100,
    )
    page = await client.workflow_service.get_workflow_execution_history_reverse(
        request, timeout=RPC_TIMEOUT
    )
    for event in page.history.events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            failed = event.workflow_task_failed_event_attributes
            cause = _cause_name(failed.cause)
            return said(f"{cause}: {failed.failure.message}"), event.event_time.ToDatetime(UTC)
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT:
            return "WorkflowTaskTimedOut", event.event_time.ToDatetime(UTC)
    return "", None


def _cause_name(cause: WorkflowTaskFailedCause.ValueType) -> str:
    """``non_deterministic_error``, ``workflow_worker_unhandled_failure``, …"""
    return WorkflowTaskFailedCause.Name(cause).removeprefix("WORKFLOW_TASK_FAILED_CAUSE_").lower()


async def _retrying_activities(
    client: Client,
    settings: Settings,
    budget: Budget,
    described: list[WorkflowExecutionDescription],
    result: Checkup,
) -> None:
    looked = {description.id for description in described}
    candidates = list(described)
    async for execution in client.list_workflows(NOT_TICKETS, page_size=100):
        if execution.id in looked:
            continue
        if not budget.take():
            result.stopped_early.add(Trouble.ACTIVITY)
            break
        candidates.append(await _describe(client, execution))
    for description in candidates:
        for pending in description.raw_description.pending_activities:
            if pending.attempt >= settings.doctor_activity_attempts:
                result.findings.append(_activity_finding(settings, description, pending))
    result.examined[Trouble.ACTIVITY] = len(candidates)


def _activity_finding(
    settings: Settings, description: WorkflowExecutionDescription, pending: PendingActivityInfo
) -> Finding:
    since = (
        pending.last_attempt_complete_time
        if pending.HasField("last_attempt_complete_time")
        else pending.last_started_time
    )
    return Finding(
        trouble=Trouble.ACTIVITY,
        subject=description.id,
        what=pending.activity_type.name,
        detail=said(pending.last_failure.message),
        link=workflow_link(settings, description.id, description.run_id),
        attempts=pending.attempt,
        since=since.ToDatetime(UTC) if since and since.seconds else None,
    )


@dataclass(frozen=True)
class _Indexed:
    """A ticket visibility lists whose read-model row disagrees with it, or is missing."""

    ticket_no: str
    run_id: str | None
    row: tuple[Any, ...] | None  # status, updated_at, then the COMPARED columns


async def _lagging_read_model(
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    scan_limit: int,
    budget: Budget,
    result: Checkup,
) -> None:
    grace = timedelta(seconds=settings.doctor_read_model_grace_seconds)
    seen, page = 0, []
    suspects: list[_Indexed] = []
    async for execution in client.list_workflows(
        OPEN_TICKETS, limit=scan_limit, page_size=min(PAGE, scan_limit)
    ):
        seen += 1
        page.append(execution)
        if len(page) == PAGE:
            suspects += await _disagreeing(sessions, page, result.at - grace)
            page = []
    suspects += await _disagreeing(sessions, page, result.at - grace)
    if seen >= scan_limit:
        result.stopped_early.add(Trouble.READ_MODEL)
    result.examined[Trouble.READ_MODEL] = seen
    asked = [suspect for suspect in suspects if budget.take()]
    if len(asked) < len(suspects):
        result.stopped_early.add(Trouble.READ_MODEL)
    # Side by side: a ticket whose worker is away answers only at the query's timeout.
    side_by_side = asyncio.Semaphore(QUERIES_AT_ONCE)

    async def lag_of(suspect: _Indexed) -> Finding | None:
        async with side_by_side:
            return await _lag_of(client, settings, suspect, result.at - grace)

    found = await asyncio.gather(*(lag_of(suspect) for suspect in asked))
    result.findings += [finding for finding in found if finding is not None]


async def _disagreeing(
    sessions: async_sessionmaker[AsyncSession], page: list[WorkflowExecution], settled: datetime
) -> list[_Indexed]:
    """The tickets of one visibility page whose row is missing or says otherwise."""
    numbers = {e.id.removeprefix("ticket-"): e for e in page if "/" not in e.id}
    if not numbers:
        return []
    columns = [column for _, column in COMPARED]
    async with sessions() as session:
        found = await session.execute(
            select(Ticket.ticket_no, Ticket.status, Ticket.updated_at, *columns).where(
                Ticket.ticket_no.in_(numbers)
            )
        )
        rows = {row[0]: tuple(row[1:]) for row in found}
    disagreeing = []
    for ticket_no, execution in numbers.items():
        row = rows.get(ticket_no)
        if row is None and execution.start_time >= settled:
            continue  # just registered: its first publication may be under way
        if row is None or _differ(execution, row[2:]):
            disagreeing.append(_Indexed(ticket_no, execution.run_id, row))
    return disagreeing


def _differ(execution: WorkflowExecution, stored: tuple[Any, ...]) -> bool:
    """An indexed value the row does not have (an unset one tells nothing: not indexed)."""
    typed = execution.typed_search_attributes
    for (key, _), value in zip(COMPARED, stored, strict=True):
        indexed = typed.get(key)
        if indexed is not None and indexed != value:
            return True
    return False


async def _lag_of(
    client: Client, settings: Settings, suspect: _Indexed, settled: datetime
) -> Finding | None:
    """The ticket's own word (its ``state`` query) against its row, once settled."""
    handle = client.get_workflow_handle(f"ticket-{suspect.ticket_no}", run_id=suspect.run_id)
    try:
        view = await handle.query(TicketWorkflow.state, rpc_timeout=RPC_TIMEOUT)
    except (RPCError, WorkflowQueryFailedError):
        return None  # a ticket that cannot answer: the failing-task check's to report
    facts: list[tuple[str, str | datetime]] = [
        ("workflow_status", view.status.value),
        ("workflow_updated", view.updated_at),
    ]
    if suspect.row is None:
        facts.append(("row_status", "-"))
    else:
        status, updated_at = suspect.row[:2]
        if view.updated_at.astimezone(UTC) <= utc(updated_at):
            return None  # only the index is behind, or ahead: the row is the ticket's
        facts += [("row_status", status), ("row_updated", utc(updated_at))]
    if view.updated_at.astimezone(UTC) > settled:
        return None  # moved a moment ago: the row may follow
    return Finding(
        trouble=Trouble.READ_MODEL,
        subject=f"ticket-{suspect.ticket_no}",
        what=TICKET_TYPE,
        detail="",
        link=workflow_link(settings, f"ticket-{suspect.ticket_no}", suspect.run_id),
        since=view.updated_at,
        facts=tuple(facts),
    )
