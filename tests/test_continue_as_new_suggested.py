"""Temporal's own suggestion to continue as new, on a dev server with a low threshold."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.action_bodies import ProgressBody, SignBody, WithdrawBody
from tests.support.actors import AGENT, department
from tests.support.data import intake, new_ticket_no
from tests.support.read_model import ReadModel
from tests.support.stack import start_dev_server
from worker import build_worker
from workflows.ids import ticket_workflow_id
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow

SUGGEST_AFTER = 40


@pytest_asyncio.fixture(scope="module")
async def low_threshold_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server(
        "--dynamic-config-value", f"limit.historyCount.suggestContinueAsNew={SUGGEST_AFTER}"
    )
    yield env
    await env.shutdown()


async def test_suggested_continue_as_new_keeps_the_ticket_whole(
    low_threshold_server: WorkflowEnvironment,
    sqlite_read_model: ReadModel,
    base_settings: Settings,
) -> None:
    client = low_threshold_server.client
    settings = base_settings.model_copy(
        update={"task_queue": f"can-{uuid.uuid4().hex[:8]}", "database_url": sqlite_read_model.url}
    )
    ticket_no = new_ticket_no()
    lead = department("urban-management")
    async with build_worker(client, settings, sqlite_read_model.sessions):
        await client.execute_update_with_start_workflow(
            TicketWorkflow.registered,
            start_workflow_operation=WithStartWorkflowOperation(
                TicketWorkflow.run,
                TicketStart(ticket_no=ticket_no, intake=intake(), created_by=AGENT.describe()),
                id=ticket_workflow_id(ticket_no),
                task_queue=settings.task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            ),
        )
        handle = client.get_workflow_handle(ticket_workflow_id(ticket_no))
        first_run = (await handle.describe()).run_id
        await handle.execute_update(TicketWorkflow.sign, args=[lead, SignBody()])
        for n in range(10):
            await handle.execute_update(
                TicketWorkflow.report_progress, args=[lead, ProgressBody(content=f"visit {n}")]
            )
        described = await handle.describe()
        assert described.run_id != first_run
        assert described.history_length < SUGGEST_AFTER + 20
        view = await handle.query(TicketWorkflow.state)
        assert view.status == "handling" and view.lead_department == "urban-management"
        closed = await handle.execute_update(
            TicketWorkflow.withdraw, args=[AGENT, WithdrawBody(reason="done")]
        )
        assert closed.closure_reason == "withdrawn"
        runs = [w async for w in client.list_workflows(f"WorkflowId = '{handle.id}'")]
        assert len(runs) >= 2
