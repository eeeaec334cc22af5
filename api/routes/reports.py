"""Periodic reports for supervisors: JSON, or Markdown ready to print or forward; and one
compiled now, as its schedule would."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel
from sqlalchemy import select
from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from api.deps import ContextDep, require_roles
from schema.body import Body
from schema.reports import ReportKind, ReportRequest, ReportSummary
from schema.tables import Report
from schema.ticket import Actor, Role
from services.context import AppContext
from services.errors import ServiceError
from services.idempotency import bind_action_key, scoped_key
from workflows.reports import ReportWorkflow

router = APIRouter(prefix="/v1/reports", tags=["reports"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]
# Compiling the dispatch meeting puts tickets under leaders: a supervisor's decision.
CompilerDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR]))]
IdempotencyKey = Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")]
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


@router.get("", response_model=list[ReportListed])
async def list_reports(
    _: ReaderDep,
    context: ContextDep,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReportListed]:
    """Newest first."""
    # The listed columns only: a report's content is sealed, and a list does not show it.
    listed = (getattr(Report, name) for name in ReportListed.model_fields)
    query = select(*listed).order_by(Report.period_from.desc(), Report.id).limit(limit)
    if kind is not None:
        query = query.where(Report.kind == kind)
    async with context.sessions() as session:
        rows = await session.execute(query)
        return [ReportListed.model_validate(row, from_attributes=True) for row in rows]


class CompileRequest(Body):
    kind: ReportKind


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


@router.post("", response_model=ReportListed, status_code=201)
async def compile_report(
    body: CompileRequest,
    actor: CompilerDep,
    context: ContextDep,
    idempotency_key: IdempotencyKey = None,
) -> ReportListed:
    """Compile one report now, as its schedule would (a dispatch meeting compiled now puts
    its hard tickets under leaders too). A retry with the same ``Idempotency-Key`` and kind
    joins the first run; the same key with another kind is refused (422), as for ticket
    actions."""
    if idempotency_key is not None:
        await bind_action_key(
            context.sessions,
            actor=actor,
            key=idempotency_key,
            ticket_no="",
            action="compile-report",
            body=body,
        )
    summary = await compile_now(context, actor, body.kind, idempotency_key)
    async with context.sessions() as session:
        row = await session.get(Report, summary.id)
    if row is None:
        raise ServiceError(503, "report_pending", f"report {summary.id} is not readable yet")
    return ReportListed.model_validate(row, from_attributes=True)


@router.get(
    "/{report_id}",
    response_model=ReportRead,
    responses={
        200: {
            "content": {
                "text/markdown": {
                    "schema": {"type": "string", "description": "with format=markdown"}
                }
            }
        }
    },
)
async def get_report(
    report_id: str,
    _: ReaderDep,
    context: ContextDep,
    format: Literal["json", "markdown"] = "json",
) -> Any:
    async with context.sessions() as session:
        row = await session.get(Report, report_id)
    if row is None:
        raise ServiceError(404, "unknown_report", f"no report {report_id}")
    if format == "markdown":
        return Response(row.markdown, media_type="text/markdown; charset=utf-8")
    return ReportRead.model_validate(row, from_attributes=True)
