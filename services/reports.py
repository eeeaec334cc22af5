"""Reports compiled by hand, as their schedule would."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.client import WorkflowFailureError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from schema.reports import ReportKind, ReportRequest, ReportSummary
from schema.ticket import Actor
from services.context import AppContext
from services.errors import ServiceError
from services.idempotency import scoped_key
from workflows.reports import ReportWorkflow

# A report over a large city takes seconds; past this the caller is told to look later.
COMPILE_WAIT_SECONDS = 60.0


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
