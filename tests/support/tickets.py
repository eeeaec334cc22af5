"""Tickets on the time-skipping test server, read back from the read model they publish
to; the refusal behind a failed update."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.tables import StoredEscalation, StoredNotification, TicketEvent
from schema.ticket import ReopenLink, TicketCreate, TicketView
from tests.support.actors import AGENT
from tests.support.data import intake, new_ticket_no
from tests.support.read_model import ReadModel
from tests.support.waiting import eventually
from workflows.ids import ticket_workflow_id
from workflows.ticket.legacy import GENERATION
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow


def refusal(error: BaseException) -> ApplicationError:
    """The validator's ApplicationError behind a failed update."""
    assert isinstance(error, WorkflowUpdateFailedError), error
    cause = error.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


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
                generation=GENERATION,  # as the API starts them
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
        # Not a wait: the time-skipping server moves its clock on by ``duration`` at once.
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

        async def published() -> list[TicketEvent]:
            found = [e for e in await self.events(handle) if e.action == action]
            return found if len(found) >= count else []

        return await eventually(
            published, within=10, message=f"{count} {action} events never published"
        )

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
