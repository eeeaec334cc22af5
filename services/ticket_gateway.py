"""Everything the API asks of Temporal, with Temporal's failures turned into API errors."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import structlog
from pydantic import BaseModel
from temporalio import workflow
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
    WorkflowUpdateRPCTimeoutOrCancelledError,
)
from temporalio.common import Priority, WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from hotline.settings import Settings
from hotline.temporal import connect
from schema.ticket import Actor, ReopenLink, TicketCreate, TicketView, Urgency
from services.errors import Pending, ServiceError, not_found
from workflows.ids import ticket_workflow_id
from workflows.refusals import RefusalType
from workflows.ticket.legacy import GENERATION
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketUpdate, TicketWorkflow

log = structlog.get_logger(__name__)

T = TypeVar("T")
ChildView = TypeVar("ChildView", bound=BaseModel)

_REFUSAL_STATUS = {
    RefusalType.INVALID_STATE.value: (409, "invalid_state"),
    RefusalType.FORBIDDEN.value: (403, "forbidden"),
    RefusalType.INVALID_INPUT.value: (422, "invalid_input"),
}
_UNREACHABLE = {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED}
_RECOVERING = "Workflow Task in failed state"
# How long a read of an action's outcome waits for it before answering "pending".
OUTCOME_POLL_SECONDS = 2.0


def ticket_priority(intake: TicketCreate) -> Priority:
    """Which of a backlog's workflow tasks go first when deadlines fall together:
    emergencies, then utility outages and enterprises' matters, then the rest; and within
    a priority, the districts in turn (a fairness key each), so that one district's surge
    cannot hold back another's deadlines."""
    if intake.urgency is Urgency.EMERGENCY:
        key = 1
    elif intake.enterprise or intake.urgency is Urgency.UTILITY:
        key = 2
    else:
        key = 3  # Temporal's default
    return Priority(priority_key=key, fairness_key=intake.district)


@dataclass(frozen=True)
class Matter:
    """A ticket's lines in the Temporal UI (its user metadata): the list's summary and the
    page's details."""

    summary: str
    details: str


class TicketGateway:
    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self._connecting = asyncio.Lock()

    async def client(self) -> Client:
        """The Temporal client, connected on first use: the API starts even if Temporal is down."""
        if self._client is None:
            async with self._connecting:
                if self._client is None:
                    try:
                        self._client = await connect(self._settings)
                    except Exception as problem:
                        raise _unavailable(problem) from problem
        return self._client

    async def _temporal_answers(self) -> bool:
        if self._client is None:
            return False
        try:
            return await self._client.service_client.check_health(timeout=timedelta(seconds=1))
        except Exception:
            return False

    async def _handle(self, ticket_no: str) -> WorkflowHandle[Any, Any]:
        return (await self.client()).get_workflow_handle(ticket_workflow_id(ticket_no))

    async def start(
        self,
        ticket_no: str,
        intake: TicketCreate,
        actor: Actor,
        reopened: ReopenLink | None = None,
        matter: Matter | None = None,
    ) -> TicketView:
        """Start the ticket (or join it, if it exists) and answer once intake is recorded;
        ``Pending`` if Temporal has it but intake is not recorded in time. ``matter`` is
        what the Temporal UI shows for the workflow (the matter's names, no personal
        data)."""
        client = await self.client()
        start = WithStartWorkflowOperation(
            TicketWorkflow.run,
            TicketStart(
                ticket_no=ticket_no,
                intake=intake,
                created_by=actor.describe(),
                reopened=reopened,
                generation=GENERATION,
            ),
            id=ticket_workflow_id(ticket_no),
            task_queue=self._settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,  # a number serves once
            priority=ticket_priority(intake),
            static_summary=matter.summary if matter else None,
            static_details=matter.details if matter else None,
        )
        location = f"/v1/tickets/{ticket_no}"
        return await self._call(
            ticket_no,
            lambda: client.execute_update_with_start_workflow(
                TicketWorkflow.registered, start_workflow_operation=start
            ),
            pending=Pending(
                location,
                f"ticket {ticket_no} is received and not yet recorded; read it at {location}",
                ticket_no=ticket_no,
            ),
        )

    async def view(self, ticket_no: str) -> TicketView:
        handle = await self._handle(ticket_no)
        return await self._call(ticket_no, lambda: handle.query(TicketWorkflow.state))

    async def act(
        self,
        ticket_no: str,
        update: TicketUpdate,
        actor: Actor,
        body: BaseModel,
        action: ActionRef,
    ) -> TicketView:
        """Run an action. Temporal keeps one update per id: a retry with the same id joins
        the first attempt instead of racing it, so the action is applied once."""
        handle = await self._handle(ticket_no)
        return await self._call(
            ticket_no,
            lambda: handle.execute_update(update, args=[actor, body], id=action.update_id(actor)),
            pending=action.pending(),
        )

    async def act_on_child(
        self,
        ticket_no: str,
        workflow_id: str,
        update: workflow.UpdateMethodMultiParam[..., ChildView],
        actor: Actor,
        body: BaseModel,
        action: ActionRef,
    ) -> ChildView:
        """An action on a ticket's joint meeting or discipline referral (a child workflow)."""
        handle = (await self.client()).get_workflow_handle(workflow_id)
        try:
            return await self._call(
                ticket_no,
                lambda: handle.execute_update(
                    update, args=[actor, body], id=action.update_id(actor)
                ),
                pending=action.pending(),
            )
        except ServiceError as problem:
            if problem.status == 404:  # the child has completed since the read model said open
                raise ServiceError(409, "invalid_state", f"{workflow_id} has ended") from problem
            raise

    async def outcome(self, workflow_id: str, update_id: str) -> Any:
        """An action's outcome by its update id: the result, a refusal raised as its
        ``ServiceError``, or None while it is still pending. 404 if Temporal has no such update."""
        handle = (await self.client()).get_workflow_handle(workflow_id)
        poll = handle.get_update_handle(update_id)
        try:
            return await asyncio.wait_for(poll.result(), OUTCOME_POLL_SECONDS)
        except WorkflowUpdateFailedError as failure:
            raise refusal(failure.cause) from failure
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError):
            return None
        except RPCError as failure:
            if failure.status is RPCStatusCode.NOT_FOUND:
                unknown = f"no action {update_id} on {workflow_id}"
                raise ServiceError(404, "unknown_action", unknown) from failure
            raise _rpc_error(workflow_id, failure) from failure

    async def _call(
        self, ticket_no: str, call: Callable[[], Awaitable[T]], pending: Pending | None = None
    ) -> T:
        """``pending`` (for writes): what to answer when Temporal has the request but its
        outcome does not come in time. Reads answer 503 then: reading changes nothing."""
        timeout = self._settings.answer_timeout_seconds
        try:
            return await asyncio.wait_for(call(), timeout)
        except WorkflowUpdateFailedError as failure:
            raise refusal(failure.cause) from failure
        except WorkflowQueryFailedError as failure:
            raise ServiceError(500, "query_failed", str(failure)) from failure
        except RPCError as failure:
            raise _rpc_error(ticket_no, failure) from failure
        except (TimeoutError, WorkflowUpdateRPCTimeoutOrCancelledError) as failure:
            # Ours or the Temporal client's deadline. Say whether Temporal itself is down
            # (the client keeps retrying an unreachable server) or just no worker answered.
            if not await self._temporal_answers():
                raise _unavailable(failure, sent=pending is not None) from failure
            if pending is not None:  # Temporal has it: applied later, or refused later
                raise pending from failure
            raise ServiceError(
                503,
                "ticket_not_answering",
                f"ticket {ticket_no} did not answer within {timeout:g} s "
                "(is a worker running?); retry shortly",
            ) from failure


def refusal(cause: BaseException | None) -> ServiceError:
    """A workflow's refusal of an update (``workflows.refusals``) as the services say it."""
    if isinstance(cause, ApplicationError) and cause.type in _REFUSAL_STATUS:
        status, code = _REFUSAL_STATUS[cause.type]
        said = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
        return ServiceError(status, code, cause.message, said.get("reason"), said.get("params"))
    message = getattr(cause, "message", None) or str(cause)
    return ServiceError(409, "action_failed", message)


def _rpc_error(ticket_no: str, failure: RPCError) -> ServiceError:
    if failure.status is RPCStatusCode.NOT_FOUND:  # no such workflow, or it has completed
        return not_found(ticket_no)
    if failure.status is RPCStatusCode.FAILED_PRECONDITION and _RECOVERING in failure.message:
        # A worker died mid-task (or the server restarted): until another worker completes
        # the retried task, Temporal turns queries and updates away. Nothing was applied.
        return ServiceError(
            503,
            "ticket_not_answering",
            f"ticket {ticket_no} is recovering (a worker is retrying its last step); "
            "nothing was applied, retry shortly",
        )
    if failure.status in _UNREACHABLE:
        return _unavailable(failure, sent=True)
    return ServiceError(502, "temporal_error", failure.message)


def _unavailable(problem: BaseException, *, sent: bool = False) -> ServiceError:
    """Temporal is unreachable. Said so plainly when nothing was sent; when a write may have
    been on its way as Temporal went down, that is said too."""
    log.warning("temporal unreachable", error=str(problem))
    if not sent:
        return ServiceError(
            503,
            "temporal_unavailable",
            "the workflow service (Temporal) is unreachable; nothing was sent, retry shortly",
        )
    return ServiceError(
        503,
        "temporal_unavailable",
        "the workflow service (Temporal) is unreachable, so the request most likely never "
        "reached it, though that cannot be known for certain; retry with the same "
        "Idempotency-Key, which applies it at most once",
    )


@dataclass(frozen=True)
class ActionRef:
    """Which action a request is, for Temporal (the update id) and for the caller (the id
    and where its outcome can be read). ``action_id`` is the caller's Idempotency-Key, or
    one the server made and returned in that header."""

    ticket_no: str
    action: str
    action_id: str

    def update_id(self, actor: Actor) -> str:
        """The caller's own: role, department and name are part of it."""
        return f"{self.action}:{actor.describe()}:{self.action_id}"

    @property
    def outcome_url(self) -> str:
        return f"/v1/tickets/{self.ticket_no}/actions/{self.action}/{self.action_id}"

    def pending(self) -> Pending:
        return Pending(
            self.outcome_url,
            f"'{self.action}' on ticket {self.ticket_no} is with the workflow service and "
            f"not yet done; read its outcome at {self.outcome_url}",
            action_id=self.action_id,
            ticket_no=self.ticket_no,
        )
