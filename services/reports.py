"""The periodic reports as their workflows compiled them, read alike by ``/v1/reports``
and the reports pages; and one compiled by hand, as its schedule would."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select
from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from schema.reports import ReportKind, ReportRequest, ReportSummary
from schema.tables import Report, Ticket
from schema.ticket import Actor
from services.context import AppContext
from services.errors import ServiceError
from services.idempotency import scoped_key
from workflows.reports import ReportWorkflow

# A report over a large city takes seconds; past this the caller is told to look later.
COMPILE_WAIT_SECONDS = 60.0


class ReportListed(BaseModel):
    id: str
    kind: str
    period_from: datetime
    period_to: datetime
    created_at: datetime


class ReportRead(ReportListed):
    content: dict[str, Any]


class StoredReport(ReportRead):
    """A report with its Markdown text, which its JSON form leaves out."""

    markdown: str = Field(exclude=True)


# Newest first, by the period reported on (the API's) or by when it was compiled (the page's).
_ORDERS = {"period": Report.period_from.desc(), "compiled": Report.created_at.desc()}


async def list_reports(
    context: AppContext,
    *,
    kind: str | None = None,
    limit: int,
    offset: int = 0,
    newest: Literal["period", "compiled"] = "period",
) -> list[ReportListed]:
    """The listed columns only: a report's content is sealed, and a list does not show it."""
    listed = (getattr(Report, name) for name in ReportListed.model_fields)
    query = select(*listed).order_by(_ORDERS[newest], Report.id).offset(offset).limit(limit)
    if kind is not None:
        query = query.where(Report.kind == kind)
    async with context.sessions() as session:
        rows = await session.execute(query)
        return [ReportListed.model_validate(row, from_attributes=True) for row in rows]


async def count_reports(context: AppContext, *, kind: str | None = None) -> int:
    count = select(func.count()).select_from(Report)
    if kind is not None:
        count = count.where(Report.kind == kind)
    async with context.sessions() as session:
        return await session.scalar(count) or 0


async def stored_report(context: AppContext, report_id: str) -> StoredReport | None:
    async with context.sessions() as session:
        row = await session.get(Report, report_id)
    return StoredReport.model_validate(row, from_attributes=True) if row is not None else None


async def compile_and_list(
    context: AppContext, actor: Actor, kind: ReportKind, key: str | None
) -> ReportListed:
    """Compile the report now (``compile_now``) and list it as the API does; 503 while the
    read model has not caught up with it."""
    summary = await compile_now(context, actor, kind, key)
    found = await stored_report(context, summary.id)
    if found is None:
        raise ServiceError(503, "report_pending", f"report {summary.id} is not readable yet")
    return ReportListed.model_validate(found.model_dump())


async def compile_now(
    context: AppContext, actor: Actor, kind: ReportKind, key: str | None
) -> ReportSummary:
    """Run the report's workflow now and wait for it. The same key and kind join the first
    run (a double click compiles once); the report keeps its period's id, newest wins."""
    client = await context.tickets.client()
    run = scoped_key(actor, key)[:24] if key else uuid.uuid4().hex[:24]
    workflow_id = f"report-{kind.value}-by-hand-{run}"
    try:
        handle = await client.start_workflow(
            ReportWorkflow.run,
            ReportRequest(kind=kind),
            id=workflow_id,
            task_queue=context.settings.task_queue,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
    except WorkflowAlreadyStartedError:  # this key's run is over: read its answer
        handle = client.get_workflow_handle(workflow_id, result_type=ReportSummary)
    except RPCError as problem:
        raise ServiceError(
            503, "temporal_unavailable", f"the report could not be started: {problem.message}"
        ) from problem
    try:
        return await asyncio.wait_for(handle.result(), COMPILE_WAIT_SECONDS)
    except TimeoutError as slow:
        raise ServiceError(
            503,
            "report_pending",
            f"the report is still being compiled (workflow {workflow_id}); "
            "it will be in the list when done",
        ) from slow
    except WorkflowFailureError as failed:
        raise ServiceError(503, "report_failed", f"the report failed: {failed.cause}") from failed


SUMMARY_LENGTH = 30  # characters of a description a report's list shows beside the number
_CHUNK = 500  # ticket numbers per read (SQLite's bound parameters are limited)


async def ticket_summaries(context: AppContext, numbers: Collection[str]) -> dict[str, str]:
    """What each ticket a report lists is about: the start of its description's first line,
    so a reader sees more than its number (the report's readers may read every ticket)."""
    wanted = sorted(set(numbers))
    found: dict[str, str] = {}
    async with context.sessions() as session:
        for at in range(0, len(wanted), _CHUNK):
            rows = await session.execute(
                select(Ticket.ticket_no, Ticket.document).where(
                    Ticket.ticket_no.in_(wanted[at : at + _CHUNK])
                )
            )
            for number, document in rows:
                found[number] = _summary(str(document.get("description") or ""))
    return found


def _summary(description: str) -> str:
    line = description.strip().splitlines()[0] if description.strip() else ""
    return line if len(line) <= SUMMARY_LENGTH else line[:SUMMARY_LENGTH] + "…"
