"""How a ticket's new state leaves the workflow: the read model, the notifications, the
structured log and the search attributes, after every accepted action or climbed rung."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from schema import search_attributes as attrs
from schema.activity_io import Publication, Transition
from schema.request_context import REQUEST_ID
from workflows import activity_calls as calls
from workflows.ticket import legacy
from workflows.ticket.details import current_details
from workflows.ticket.legacy import publish_in_one_local_activity as before_one_activity
from workflows.ticket.state import Step, TicketState
from workflows.ticket.state.clocks import refresh_overdue
from workflows.ticket.state.projections import record

# A publication's fence grows with every workflow task, attempts included, and across
# continue-as-new (activities.read_model): runs count above any one history's length.
FENCE_PER_RUN = 10_000_000


class Publisher:
    def __init__(self) -> None:
        self._indexed: dict[str, Any] = {}  # search attribute values as last upserted
        self._task: tuple[int, datetime] | None = None  # (history length, handed out at)

    def entered(self) -> None:
        """Called where a workflow task's news enters the workflow (a handler starting,
        the run loop waking): there ``workflow.now()`` is when the server handed the task
        out, which orders two attempts at one task; after a local activity it has moved
        on with the worker's clock."""
        length = workflow.info().get_current_history_length()
        if self._task is None or self._task[0] != length:
            self._task = (length, workflow.now())

    def _handed_out(self) -> datetime:
        self.entered()  # a task no entry saw (none expected): now, the best known
        assert self._task is not None
        return self._task[1]

    async def publish(self, s: TicketState) -> None:
        """Read model and notifications first (one local activity), then the log and the
        search attributes that changed."""
        refresh_overdue(s, workflow.now())
        transition = Transition(
            ticket=record(s),
            events=s.unpublished_events,
            escalations=s.take_escalations_to_publish(),
            fence=s.runs_before * FENCE_PER_RUN + workflow.info().get_current_history_length(),
            fence_at=self._handed_out(),
        )
        publication = Publication(transition=transition, notifications=s.outbox)
        if legacy.patched(s, before_one_activity.PATCH):
            await calls.publish_transition(publication)
        else:
            await before_one_activity.publish(publication)
        s.outbox = []
        for event in s.unpublished_events:  # one log event per transition (skipped on replay)
            workflow.logger.info(
                "ticket %s: %s",
                s.ticket_no,
                event.action,
                extra={
                    "ticket_no": s.ticket_no,
                    "action": event.action,
                    "actor": event.actor,
                    "seq": event.seq,
                    "status": s.status.value,
                    "request_id": REQUEST_ID.get(),
                },
            )
        s.unpublished_events = []
        self._index(s)
        workflow.set_current_details(current_details(s))

    def _index(self, s: TicketState) -> None:
        """Upsert only the search attributes whose value changed: each upsert is an event."""
        if not s.index_search_attributes:
            return
        reply = s.clocks.get(Step.REPLY)
        sign = s.clocks.get(Step.SIGN)
        wanted: dict[str, Any] = {
            attrs.TICKET_STATUS.name: s.status.value,
            attrs.LEAD_DEPARTMENT.name: s.lead_department,
            attrs.URGENCY.name: s.intake.urgency.value,
            attrs.CATEGORY.name: s.intake.category,
            attrs.DISTRICT.name: s.intake.district,
            attrs.TICKET_TYPE.name: s.intake.type.value,
            attrs.CLOSURE_REASON.name: s.closure_reason.value if s.closure_reason else None,
            attrs.ESCALATION_LEVEL.name: s.escalation_level,
            attrs.REWORK_COUNT.name: s.rework_count,
            attrs.OVERDUE.name: s.overdue,
            attrs.REPLY_DUE.name: reply.due_at if reply else None,
            attrs.SIGN_DUE.name: sign.due_at if sign else None,
        }
        updates: list[SearchAttributeUpdate[Any]] = []
        for key in attrs.LEAN_KEYS if legacy.lean(s) else attrs.ALL_KEYS:
            value = wanted[key.name]
            if key.name in self._indexed and self._indexed[key.name] == value:
                continue
            updates.append(key.value_unset() if value is None else key.value_set(value))
            self._indexed[key.name] = value
        if updates:
            workflow.upsert_search_attributes(updates)
