"""The bare engine's workflow: four updates (create with start, sign, reply, rating),
no activities. Its own module, so the worker's sandbox can reload it."""

from __future__ import annotations

from temporalio import workflow

STEPS = ("create", "sign", "reply", "rating")


@workflow.defn(name="BareTicket")
class BareTicket:
    def __init__(self) -> None:
        self.steps: list[str] = []

    @workflow.run
    async def run(self, ticket_no: str) -> list[str]:
        await workflow.wait_condition(lambda: len(self.steps) == len(STEPS))
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.steps

    @workflow.update
    async def act(self, step: str) -> int:
        self.steps.append(step)
        return len(self.steps)
