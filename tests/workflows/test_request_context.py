"""A request id set by a client reaches the workflow's transition logs and its activities."""

from __future__ import annotations

import io
import json
import uuid

from temporalio.client import Client

from hotline.request_context import REQUEST_ID, RequestContextInterceptor
from schema.action_bodies import SignBody
from tests.support.actors import department
from tests.support.tickets import Tickets
from worker import build_worker
from workflows.ticket.workflow import TicketWorkflow


async def test_request_id_travels_from_client_to_workflow_and_activity(
    tickets: Tickets, json_logs: io.StringIO
) -> None:
    base = tickets.client
    client = Client(
        base.service_client,
        namespace=base.namespace,
        data_converter=base.data_converter,
        interceptors=[RequestContextInterceptor()],
    )
    settings = tickets.settings.model_copy(
        update={"task_queue": f"ctx-{uuid.uuid4().hex[:6]}", "notify_senders": "log"}
    )
    propagating = Tickets(
        env=tickets.env, settings=settings, read_model=tickets.read_model, via=client
    )
    async with build_worker(client, settings, tickets.read_model.sessions):
        token = REQUEST_ID.set("req-intake")
        try:
            handle, view = await propagating.open_with_view()
        finally:
            REQUEST_ID.reset(token)
        token = REQUEST_ID.set("req-sign")
        try:
            await handle.execute_update(
                TicketWorkflow.sign, args=[department("urban-management"), SignBody()]
            )
        finally:
            REQUEST_ID.reset(token)
        # Its worker goes with this test: a ticket left open on its queue would hold up
        # every later test's time skipping (its timers' tasks would wait for no one).
        await propagating.end_opened()
    output = json_logs.getvalue()
    records = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    mine = [r for r in records if r.get("ticket_no") == view.ticket_no]
    transitions = {r["action"]: r["request_id"] for r in mine if "action" in r}
    assert transitions == {
        "received": "req-intake",
        "dispatched": "req-intake",
        "signed": "req-sign",
    }
    notices = [r for r in mine if r.get("event") == "notification"]
    assert notices and all(r["request_id"] == "req-intake" for r in notices)
    assert all(r["activity"] == "publish_transition" for r in notices)
    assert "13812341234" not in output
