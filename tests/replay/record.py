"""Record histories of typical ticket lives for the replay tests.

Run after a deliberate, replay-safe change to workflow code, to add the new shape:
``python -m tests.replay.record v2`` (every scenario) or ``... v2 NAME ...`` (some).
Existing files are the point of the replay test: keep them, so that tickets started
by older code stay replayable.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.ticket import (
    AnswerBody,
    ExtensionBody,
    ExtensionReviewBody,
    ProgressBody,
    RatingBody,
    RatingReviewBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
)
from tests.conftest import open_read_model
from tests.support import AGENT, TEST_CONVERTER, TEST_ENCRYPTION_KEYS, binary, department
from tests.workflows.conftest import Tickets
from worker import build_worker
from workflows.ticket import TicketWorkflow

HISTORIES = Path(__file__).parent / "histories"
LEAD = department("urban-management")
REPLY = ReplyBody(outcome="resolved", content="done")
SATISFIED = RatingBody(satisfaction="satisfied", solved=True)


async def normal_closure(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def answered_on_the_spot(t: Tickets) -> WorkflowHandle:
    handle = await t.open(category="unheard-of-matter", type="enquiry")
    await handle.execute_update(TicketWorkflow.answer, args=[AGENT, AnswerBody(content="9-5")])
    await t.skip(days=4)  # no rating: closed as no_rating
    return handle


async def return_and_redispatch(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(
        TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="r", legal_basis="b")]
    )
    await handle.execute_update(
        TicketWorkflow.review_return, args=[AGENT, ReturnReviewBody(accept=True, lead="housing")]
    )
    housing = department("housing")
    await handle.execute_update(TicketWorkflow.sign, args=[housing, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[housing, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def extension_and_rework(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(
        TicketWorkflow.request_extension, args=[LEAD, ExtensionBody(working_days=2, reason="x")]
    )
    await handle.execute_update(
        TicketWorkflow.review_extension, args=[AGENT, ExtensionReviewBody(approve=True)]
    )
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(
        TicketWorkflow.rate, args=[AGENT, RatingBody(satisfaction="unsatisfied", solved=False)]
    )
    await handle.execute_update(
        TicketWorkflow.review_rating, args=[AGENT, RatingReviewBody(reasonable=True)]
    )
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def overdue_ladder(t: Tickets) -> WorkflowHandle:
    handle = await t.open()
    await t.skip(days=5)  # warning, reminder, supervision order on the sign clock
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await t.skip(days=9)  # the same on the reply clock
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return handle


async def continued_as_new(t: Tickets) -> WorkflowHandle:
    assert t.settings.policy is not None
    t.settings.policy.write_text("history_event_limit = 60\n")
    try:
        handle = await t.open()
        await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
        for n in range(12):
            await handle.execute_update(
                TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content=f"step {n}")]
            )
    finally:
        t.settings.policy.write_text("")
    current = t.client.get_workflow_handle(handle.id)
    await current.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await current.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    return current


SCENARIOS: dict[str, Callable[[Tickets], Awaitable[WorkflowHandle]]] = {
    "normal_closure": normal_closure,
    "answered_on_the_spot": answered_on_the_spot,
    "return_and_redispatch": return_and_redispatch,
    "extension_and_rework": extension_and_rework,
    "overdue_ladder": overdue_ladder,
    "continued_as_new": continued_as_new,
}


async def run_histories(handle: WorkflowHandle) -> list[WorkflowHistory]:
    """Every run of the workflow, oldest first, following continue-as-new back to the start."""
    histories = [await handle.fetch_history()]
    while True:
        started = histories[0].events[0].workflow_execution_started_event_attributes
        if not started.continued_execution_run_id:
            return histories
        earlier = handle._client.get_workflow_handle(
            handle.id, run_id=started.continued_execution_run_id
        )
        histories.insert(0, await earlier.fetch_history())


async def record(version: str, names: list[str]) -> None:
    only = {name: SCENARIOS[name] for name in names or SCENARIOS}
    data = Path(tempfile.mkdtemp())
    policy = data / "policy.toml"
    policy.write_text("")
    settings = Settings(
        data_dir=data,
        task_queue="record",
        notify_senders="database",
        policy=policy,
        encryption_keys=TEST_ENCRYPTION_KEYS,
    )
    read_model = await open_read_model(settings.resolved_database_url())
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=TEST_CONVERTER,
    )
    try:
        async with build_worker(env.client, settings, read_model.sessions):
            tickets = Tickets(env=env, settings=settings, read_model=read_model)
            for name, scenario in only.items():
                handle = await scenario(tickets)
                await handle.result()
                histories = await run_histories(handle)
                for number, history in enumerate(histories, start=1):
                    run = f"-run{number}" if len(histories) > 1 else ""
                    path = HISTORIES / f"{version}-{name}{run}.json"
                    path.write_text(history.to_json())
                    print(f"recorded {path.name}: {len(history.events)} events")
    finally:
        await env.shutdown()
        await read_model.engine.dispose()


if __name__ == "__main__":
    # python -m tests.replay.record [VERSION [SCENARIO ...]]
    arguments = sys.argv[1:]
    asyncio.run(record(arguments[0] if arguments else "v1", arguments[1:]))
