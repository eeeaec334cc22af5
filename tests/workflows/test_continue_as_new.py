"""A ticket with a long history continues as new, carrying its whole state and clocks."""

from __future__ import annotations

from schema.action_bodies import ProgressBody, RatingBody, ReplyBody, SignBody
from tests.support.actors import AGENT, department
from tests.support.policy import PolicyFile
from tests.support.tickets import Tickets
from workflows.ticket.workflow import TicketWorkflow

LEAD = department("urban-management")


async def test_policy_event_limit_continues_as_new_and_the_ticket_carries_on(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write("history_event_limit = 60\n")
    handle, first = await tickets.open_with_view()
    first_run = (await handle.describe()).run_id
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    for n in range(12):
        await handle.execute_update(
            TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content=f"step {n}")]
        )
    current = tickets.client.get_workflow_handle(handle.id)
    assert (await current.describe()).run_id != first_run
    carried = await tickets.state(current)
    assert carried.created_at == first.created_at
    assert carried.deadlines["reply"] == first.deadlines["reply"]
    assert carried.status == "handling"
    # The reply clock still runs in the new run: the warning fires at 80 % of 7 days.
    await tickets.skip(days=5, hours=15)
    assert (await tickets.state(current)).escalation_level == 1
    await current.execute_update(
        TicketWorkflow.reply, args=[LEAD, ReplyBody(outcome="resolved", content="done")]
    )
    closed = await current.execute_update(
        TicketWorkflow.rate, args=[AGENT, RatingBody(satisfaction="satisfied", solved=True)]
    )
    assert closed.closure_reason == "rated"
    actions = await tickets.actions(current)
    assert actions.count("progress") == 12
    seqs = [e.seq for e in await tickets.events(current)]
    assert seqs == list(range(1, len(seqs) + 1))  # one unbroken timeline across runs


async def test_a_pending_timer_survives_continue_as_new(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write("history_event_limit = 50\n")
    handle = await tickets.open()
    first_run = (await handle.describe()).run_id
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    for n in range(10):
        await handle.execute_update(
            TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content=f"call {n}")]
        )
    current = tickets.client.get_workflow_handle(handle.id)
    assert (await current.describe()).run_id != first_run
    # The reply deadline, armed in the first run (the signature comes before progress).
    carried = await tickets.state(current)
    await tickets.skip(
        seconds=(carried.deadlines["reply"] - carried.updated_at).total_seconds() + 60
    )
    late = await tickets.state(current)
    assert late.overdue
    assert (await tickets.actions(current))[-1] == "reminder"
    assert late.deadlines["reply"] == carried.deadlines["reply"]
