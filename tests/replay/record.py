"""Record histories of typical ticket lives for the replay tests.

Run after a deliberate, replay-safe change to workflow code, to add the new shape:
``python -m tests.replay.record``. Existing files are the point of the replay test:
keep them, so tickets started by older code stay replayable.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.ticket import (
    AnswerBody,
    ExtensionBody,
    ExtensionReviewBody,
    RatingBody,
    RatingReviewBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
)
from tests.conftest import open_read_model
from tests.support import AGENT, binary, department
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


SCENARIOS: dict[str, Callable[[Tickets], Awaitable[WorkflowHandle]]] = {
    "normal_closure": normal_closure,
    "answered_on_the_spot": answered_on_the_spot,
    "return_and_redispatch": return_and_redispatch,
    "extension_and_rework": extension_and_rework,
    "overdue_ladder": overdue_ladder,
}


async def record(version: str) -> None:
    data = Path(tempfile.mkdtemp())
    settings = Settings(data_dir=data, task_queue="record", notify_senders="database")
    read_model = await open_read_model(settings.resolved_database_url())
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=pydantic_data_converter,
    )
    try:
        async with build_worker(env.client, settings, read_model.sessions):
            tickets = Tickets(env=env, settings=settings, read_model=read_model)
            for name, scenario in SCENARIOS.items():
                handle = await scenario(tickets)
                await handle.result()
                history = await handle.fetch_history()
                path = HISTORIES / f"{version}-{name}.json"
                path.write_text(history.to_json())
                print(f"recorded {path.name}: {len(history.events)} events")
    finally:
        await env.shutdown()
        await read_model.engine.dispose()


if __name__ == "__main__":
    asyncio.run(record("v1"))
