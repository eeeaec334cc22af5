"""The ticket workflow's update handlers, made from the process table's rows.

Each action of ``process.PROCESS`` is one Temporal update, named by its row, taking the
actor and the row's body and answering the ticket after it; its validator asks the
row's check (``ProcessStep.check``) so that a refused action never enters history. Writing
the eighteen by hand gave eighteen near-copies; this gives one.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from temporalio import workflow

from schema.ticket import Actor, TicketView
from workflows.ticket.process import BY_ACTION, ProcessStep

TicketUpdate = workflow.UpdateMethodMultiParam[..., TicketView]
"""Any action update of the ticket workflow (actor and body in, the ticket out)."""


class TakesActions(Protocol):
    def check(self, row: ProcessStep, actor: Actor, body: Any) -> None: ...

    async def take(self, row: ProcessStep, actor: Actor, body: Any) -> TicketView: ...


def action_update(action: str) -> TicketUpdate:
    """The update (and its validator) for one row of the process table."""
    row = BY_ACTION[action]

    async def handler(self: TakesActions, actor: Actor, body: Any) -> TicketView:
        return await self.take(row, actor, body)

    def validator(self: TakesActions, actor: Actor, body: Any) -> None:
        self.check(row, actor, body)

    # The SDK reads the payload types from the annotations: the row's body, not Any.
    for function in (handler, validator):
        function.__name__ = row.update
        function.__qualname__ = f"TicketWorkflow.{row.update}"
        function.__annotations__ = {"actor": Actor, "body": row.body}
    handler.__annotations__["return"] = TicketView
    update = cast(TicketUpdate, workflow.update(name=row.update)(handler))
    update.validator(validator)
    return update
