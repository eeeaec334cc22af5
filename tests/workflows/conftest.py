"""Workflow tests run on the time-skipping test server: a 7-day deadline takes milliseconds."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.tables import StoredEscalation, StoredNotification, TicketEvent
from schema.ticket import ReopenLink, TicketCreate, TicketView
from tests.conftest import ReadModel
from tests.support import AGENT, TEST_CONVERTER, binary, intake, new_ticket_no
from worker import build_worker
from workflows.ids import ticket_workflow_id
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow


@pytest_asyncio.fixture(scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=TEST_CONVERTER,
    )
    yield env
    await env.shutdown()


@dataclass
class Tickets:
    """Opens tickets on the time-skipping server and reads back what they published."""

    env: WorkflowEnvironment
    settings: Settings
    read_model: ReadModel
    via: Client | None = None  # another client on the same server, e.g. with interceptors
    opened: list[str] = field(default_factory=list)  # ticket numbers, ended after each test

    @property
    def client(self) -> Client:
        return self.via or self.env.client

    async def open(
        self, body: TicketCreate | None = None, reopened: ReopenLink | None = None, **fields: Any
    ) -> WorkflowHandle:
        handle, _ = await self.open_with_view(body, reopened, **fields)
        return handle

    async def open_with_view(
        self, body: TicketCreate | None = None, reopened: ReopenLink | None = None, **fields: Any
    ) -> tuple[WorkflowHandle, TicketView]:
        ticket_no = new_ticket_no()
        self.opened.append(ticket_no)
        start = WithStartWorkflowOperation(
            TicketWorkflow.run,
            TicketStart(
                ticket_no=ticket_no,
                intake=body or intake(**fields),
                created_by=AGENT.describe(),
                index_search_attributes=False,
                reopened=reopened,
            ),
            id=ticket_workflow_id(ticket_no),
            task_queue=self.settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        )
        view = await self.client.execute_update_with_start_workflow(
            TicketWorkflow.registered, start_workflow_operation=start
        )
        return self.client.get_workflow_handle(ticket_workflow_id(ticket_no)), view

    async def end_opened(self) -> None:
        """Terminate this test's tickets and their children: the server is shared, and a
        forgotten overdue ticket would climb its whole ladder in every later test's skips."""
        numbers, self.opened = self.opened, []
        async with self.read_model.sessions() as session:
            children = await session.scalars(
                select(StoredEscalation.workflow_id).where(
                    StoredEscalation.ticket_no.in_(numbers),
                    StoredEscalation.workflow_id.is_not(None),
                )
            )
            ids = [*children, *(ticket_workflow_id(n) for n in numbers)]
        for workflow_id in ids:
            with contextlib.suppress(RPCError):  # already ended
                await self.client.get_workflow_handle(workflow_id).terminate("test over")

    async def state(self, handle: WorkflowHandle) -> TicketView:
        return await handle.query(TicketWorkflow.state)

    async def skip(self, **duration: float) -> None:
        await self.env.sleep(timedelta(**duration))

    async def actions(self, handle: WorkflowHandle) -> list[str]:
        ticket_no = (await self.state(handle)).ticket_no
        async with self.read_model.sessions() as session:
            rows = await session.scalars(
                select(TicketEvent.action)
                .where(TicketEvent.ticket_no == ticket_no)
                .order_by(TicketEvent.seq)
            )
            return list(rows)

    async def events(self, handle: WorkflowHandle) -> list[TicketEvent]:
        ticket_no = (await self.state(handle)).ticket_no
        async with self.read_model.sessions() as session:
            rows = await session.scalars(
                select(TicketEvent)
                .where(TicketEvent.ticket_no == ticket_no)
                .order_by(TicketEvent.seq)
            )
            return list(rows)

    async def events_once(
        self, handle: WorkflowHandle, action: str, count: int
    ) -> list[TicketEvent]:
        """Events named ``action``, once ``count`` of them are published (signals are async)."""
        deadline = asyncio.get_running_loop().time() + 10
        while True:
            found = [e for e in await self.events(handle) if e.action == action]
            if len(found) >= count or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.05)

    async def escalations(self, ticket_no: str) -> list[StoredEscalation]:
        async with self.read_model.sessions() as session:
            rows = await session.scalars(
                select(StoredEscalation)
                .where(StoredEscalation.ticket_no == ticket_no)
                .order_by(StoredEscalation.number)
            )
            return list(rows)

    async def notifications(self, handle: WorkflowHandle) -> list[tuple[str, str]]:
        ticket_no = (await self.state(handle)).ticket_no
        async with self.read_model.sessions() as session:
            rows = await session.scalars(
                select(StoredNotification)
                .where(StoredNotification.ticket_no == ticket_no)
                .order_by(StoredNotification.at, StoredNotification.id)
            )
            return [(n.recipient, n.kind) for n in rows]

    async def accepted_updates(self, handle: WorkflowHandle) -> int:
        history = await handle.fetch_history()
        return sum(
            1
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        )


@pytest_asyncio.fixture(scope="session")
async def tickets(
    skipping_env: WorkflowEnvironment, sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Tickets]:
    settings = base_settings.model_copy(
        update={
            "task_queue": f"tickets-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
        }
    )
    async with build_worker(skipping_env.client, settings, sqlite_read_model.sessions):
        yield Tickets(env=skipping_env, settings=settings, read_model=sqlite_read_model)


@pytest_asyncio.fixture
async def isolated_tickets(
    sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Tickets]:
    """Tickets on a time-skipping server of their own. The test server stops skipping time
    for good once an abandoned child completes after its parent (a referral outliving its
    ticket), so such a test must not share the session's server."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=TEST_CONVERTER,
    )
    settings = base_settings.model_copy(
        update={
            "task_queue": f"isolated-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
        }
    )
    async with build_worker(env.client, settings, sqlite_read_model.sessions):
        yield Tickets(env=env, settings=settings, read_model=sqlite_read_model)
    await env.shutdown()


@pytest_asyncio.fixture(autouse=True)
async def end_tickets_after_each_test(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "tickets" in request.fixturenames:
        await request.getfixturevalue("tickets").end_opened()
