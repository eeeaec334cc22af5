"""The bare storm's workflow: sleep until one instant, then do the least a rung needs —
one local activity and one search-attribute upsert — and wait. Its own module, so the
worker's sandbox can reload it."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import activity, workflow

from schema.search_attributes import ESCALATION_LEVEL, OVERDUE


@activity.defn(name="BareRung")
async def bare_rung(level: int) -> int:
    return level + 1


@workflow.defn(name="BareDeadline")
class BareDeadline:
    def __init__(self) -> None:
        self.done = False

    @workflow.run
    async def run(self, due_iso: str) -> None:  # a string: the bare client's converter
        due = datetime.fromisoformat(due_iso)
        await workflow.sleep(max(timedelta(0), due - workflow.now()))
        level = await workflow.execute_local_activity(
            bare_rung, 2, start_to_close_timeout=timedelta(seconds=10)
        )
        workflow.upsert_search_attributes(
            [OVERDUE.value_set(True), ESCALATION_LEVEL.value_set(level)]
        )
        await workflow.wait_condition(lambda: self.done)

    @workflow.signal
    def finish(self) -> None:
        self.done = True
