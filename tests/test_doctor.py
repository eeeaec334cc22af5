"""`hotline doctor` against a real dev server: a workflow whose task keeps failing, an
activity that always fails, a ticket whose read-model row fell behind, a paused schedule
that missed its runs and one whose latest run failed — each found with its Temporal UI
link, by the service and the command alike."""

from __future__ import annotations

import asyncio
import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from sqlalchemy import update
from temporalio import activity, workflow
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleState,
    WithStartWorkflowOperation,
)
from temporalio.common import RetryPolicy, WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from hotline.settings import Settings
from schema.tables import Ticket
from services.doctor import checkup
from services.doctor_findings import Checkup, Finding, Trouble
from startup.doctor_text import checkup_text
from tests.support.data import intake, new_ticket_no
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.read_model import ReadModel
from tests.support.stack import binary
from tests.support.waiting import eventually
from worker import build_worker
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow


@workflow.defn(name="DoctorBrokenWorkflow", sandboxed=False)
class BrokenWorkflow:
    """A bug in workflow code: not an ApplicationError, so its task fails and is retried."""

    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("the workflow code is broken on purpose")


@workflow.defn(name="DoctorFailingWorkflow", sandboxed=False)
class FailingWorkflow:
    """A run that ends failed (an ApplicationError fails the workflow, not its task)."""

    @workflow.run
    async def run(self) -> None:
        raise ApplicationError("the report's data is not there", non_retryable=True)


@activity.defn(name="doctor_unreachable_service")
async def unreachable_service() -> None:
    raise RuntimeError("the service this activity calls does not answer")


@workflow.defn(name="DoctorRetryingWorkflow", sandboxed=False)
class RetryingWorkflow:
    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity(
            unreachable_service,
            start_to_close_timeout=timedelta(seconds=5),
            retry_policy=RetryPolicy(
                initial_interval=timedelta(milliseconds=50), backoff_coefficient=1.0
            ),
        )


@dataclass
class Planted:
    settings: Settings
    broken: str
    retrying: str
    lagging: str
    schedule: str
    failing_schedule: str


async def _register_ticket(client: Client, settings: Settings) -> str:
    """A ticket of generation 0, which indexes its status too (the browser test's comes
    from the desk, of the current generation, which does not)."""
    ticket_no = new_ticket_no()
    await client.execute_update_with_start_workflow(
        TicketWorkflow.registered,
        start_workflow_operation=WithStartWorkflowOperation(
            TicketWorkflow.run,
            TicketStart(ticket_no=ticket_no, intake=intake(), created_by="test"),
            id=f"ticket-{ticket_no}",
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        ),
    )
    return ticket_no


async def _push_row_back(model: ReadModel, ticket_no: str) -> None:
    """What a lost write leaves: the row an hour behind, as it was before dispatch."""

    async def written() -> bool:
        async with model.sessions() as session:
            return await session.get(Ticket, ticket_no) is not None

    await eventually(written, message="the ticket's row was never written")
    async with model.sessions.begin() as session:
        await session.execute(
            update(Ticket)
            .where(Ticket.ticket_no == ticket_no)
            .values(
                status="received",
                lead_department=None,
                updated_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )


@pytest_asyncio.fixture
async def planted(
    dev_server: WorkflowEnvironment, sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Planted]:
    client = dev_server.client
    tag = uuid.uuid4().hex[:8]
    settings = base_settings.model_copy(
        update={
            "temporal_address": client.service_client.config.target_host,
            "task_queue": f"doctor-{tag}",
            "database_url": sqlite_read_model.url,
            "ui_address": "http://ui.example:8233",
            "doctor_activity_attempts": 3,
            "doctor_read_model_grace_seconds": 0,
            "doctor_schedule_grace_seconds": 0,
            # The suite's other tests share this server: room for their workflows too.
            "doctor_detail_limit": 10_000,
        }
    )
    schedule_id, failing_id = f"doctor-paused-{tag}", f"doctor-failing-{tag}"
    async with (
        build_worker(client, settings, sqlite_read_model.sessions),
        Worker(
            client,
            task_queue=f"doctor-broken-{tag}",
            workflows=[BrokenWorkflow, RetryingWorkflow, FailingWorkflow],
            activities=[unreachable_service],
        ),
    ):
        broken = await client.start_workflow(
            BrokenWorkflow.run, id=f"doctor-broken-{tag}", task_queue=f"doctor-broken-{tag}"
        )
        retrying = await client.start_workflow(
            RetryingWorkflow.run, id=f"doctor-retrying-{tag}", task_queue=f"doctor-broken-{tag}"
        )
        ticket_no = await _register_ticket(client, settings)
        await _push_row_back(sqlite_read_model, ticket_no)
        schedule = await client.create_schedule(
            schedule_id,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    "DoctorNothing", id=f"doctor-nothing-{tag}", task_queue=f"nobody-{tag}"
                ),
                spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=timedelta(seconds=1))]),
                state=ScheduleState(paused=True, note="paused by the doctor test"),
            ),
        )
        failing = await client.create_schedule(
            failing_id,
            Schedule(
                action=ScheduleActionStartWorkflow(
                    FailingWorkflow.run,
                    id=f"doctor-failing-{tag}",
                    task_queue=f"doctor-broken-{tag}",
                ),
                spec=ScheduleSpec(cron_expressions=["0 0 1 1 *"]),  # not before next year
            ),
        )
        await failing.trigger()  # run now, by hand
        try:
            yield Planted(
                settings, broken.id, retrying.id, f"ticket-{ticket_no}", schedule_id, failing_id
            )
        finally:
            await schedule.delete()
            await failing.delete()
            for handle in (broken, retrying):
                await handle.terminate("test over")
            await client.get_workflow_handle(f"ticket-{ticket_no}").terminate("test over")


def _one(result: Checkup, trouble: Trouble, subject: str) -> Finding | None:
    return next((f for f in result.of(trouble) if f.subject == subject), None)


async def test_doctor_finds_what_is_stuck(
    planted: Planted, dev_server: WorkflowEnvironment, sqlite_read_model: ReadModel
) -> None:
    settings = planted.settings

    async def everything_found() -> Checkup | None:
        result = await checkup(dev_server.client, sqlite_read_model.sessions, settings)
        wanted = [
            (Trouble.WORKFLOW_TASK, planted.broken),
            (Trouble.ACTIVITY, planted.retrying),
            (Trouble.READ_MODEL, planted.lagging),
            (Trouble.SCHEDULE, planted.schedule),
            (Trouble.SCHEDULE, planted.failing_schedule),
        ]
        return result if all(_one(result, *each) for each in wanted) else None

    # The server flags a workflow after two failed tasks, the second ten seconds on.
    result = await eventually(everything_found, within=60, every=1, message="not all found")

    task = _one(result, Trouble.WORKFLOW_TASK, planted.broken)
    assert task is not None and task.what == "DoctorBrokenWorkflow"
    assert task.detail.startswith("workflow_worker_unhandled_failure: ")
    assert "broken on purpose" in task.detail
    assert task.attempts is not None and task.attempts >= 2
    run_id = (await dev_server.client.get_workflow_handle(planted.broken).describe()).run_id
    assert task.link == (
        f"http://ui.example:8233/namespaces/default/workflows/{task.subject}/{run_id}"
    )

    retrying = _one(result, Trouble.ACTIVITY, planted.retrying)
    assert retrying is not None and retrying.what == "doctor_unreachable_service"
    assert retrying.attempts is not None and retrying.attempts >= 3
    assert "does not answer" in retrying.detail

    lagging = _one(result, Trouble.READ_MODEL, planted.lagging)
    assert lagging is not None
    facts = dict(lagging.facts)
    assert facts["row_status"] == "received" and facts["workflow_status"] == "dispatched"
    moved, written = facts["workflow_updated"], facts["row_updated"]
    assert isinstance(moved, datetime) and isinstance(written, datetime) and moved > written

    schedule = _one(result, Trouble.SCHEDULE, planted.schedule)
    assert schedule is not None
    facts = dict(schedule.facts)
    assert int(str(facts["missed_runs"])) >= 1 and facts["paused"] == "paused by the doctor test"
    assert schedule.link.endswith(f"/namespaces/default/schedules/{planted.schedule}")
    failed = _one(result, Trouble.SCHEDULE, planted.failing_schedule)
    assert failed is not None and failed.what == "DoctorFailingWorkflow"
    run = str(dict(failed.facts)["failed_run"])  # the schedule's run: its id, then the time
    assert run.startswith(f"{planted.failing_schedule}-") and run.endswith(": failed")

    assert result.examined[Trouble.READ_MODEL] >= 1 and not result.stopped_early
    assert not result.flags_unavailable
    printed = checkup_text(result)
    assert planted.lagging in printed and "处理：" in printed and "13812341234" not in printed

    # The page's look is bounded: it compares only the newest tickets, and says so.
    bounded = await checkup(dev_server.client, sqlite_read_model.sessions, settings, scan_limit=1)
    assert bounded.examined[Trouble.READ_MODEL] == 1
    assert Trouble.READ_MODEL in bounded.stopped_early

    await _the_command_says_the_same(planted, dev_server)


async def _the_command_says_the_same(planted: Planted, dev_server: WorkflowEnvironment) -> None:
    """`hotline doctor` prints the findings with their links and exits 1."""
    settings = planted.settings
    environment = {
        **os.environ,
        "HOTLINE_TEMPORAL_ADDRESS": dev_server.client.service_client.config.target_host,
        "DATABASE_URL": settings.resolved_database_url(),
        "HOTLINE_ENCRYPTION_KEYS": TEST_ENCRYPTION_KEYS,
        "HOTLINE_UI_ADDRESS": "http://ui.example:8233",
        "HOTLINE_DOCTOR_READ_MODEL_GRACE_SECONDS": "0",
        "HOTLINE_DOCTOR_DETAIL_LIMIT": "10000",
    }
    done = await asyncio.to_thread(
        subprocess.run,
        [binary("hotline"), "doctor"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert f"http://ui.example:8233/namespaces/default/workflows/{planted.broken}/" in done.stdout
    assert planted.lagging in done.stdout and "读模型落后于工单" in done.stdout
