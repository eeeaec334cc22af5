"""转110: the ticket waits for 110, which accepts it (closed transferred_110) or hands it
back as no police matter (back in the centre's queue, counted); silence past the
policy's 2 hours reminds the centre. A ticket from 110 carries its incident number."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schema.action_bodies import DispatchBody, PoliceAcceptBody, PoliceHandBackBody, Transfer110Body
from schema.ticket import Channel, PendingReview, TicketStatus
from tests.support.actors import AGENT, INTEGRATOR, department
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketWorkflow

FIGHT = Transfer110Body(reason="a fight in the street")


async def test_110_accepts_and_the_ticket_closes(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")  # waits for manual dispatch
    waiting = await handle.execute_update(TicketWorkflow.transfer_110, args=[AGENT, FIGHT])
    assert waiting.status is TicketStatus.AWAITING_110
    assert set(waiting.deadlines) == {"police_acceptance"}
    assert waiting.deadlines["police_acceptance"] - waiting.updated_at == timedelta(hours=2)
    accepted = await handle.execute_update(
        TicketWorkflow.accept_for_110, args=[INTEGRATOR, PoliceAcceptBody(incident_no="J-7")]
    )
    assert accepted.status is TicketStatus.CLOSED
    assert accepted.closure_reason == "transferred_110" and accepted.deadlines == {}
    assert (await tickets.actions(handle))[-3:] == [
        "transferred_to_110",
        "accepted_by_110",
        "closed",
    ]
    assert ("110", "transferred_to_110") in await tickets.notifications(handle)


async def test_110_hands_it_back_to_the_centre(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    await handle.execute_update(TicketWorkflow.transfer_110, args=[AGENT, FIGHT])
    back = await handle.execute_update(
        TicketWorkflow.hand_back_from_110,
        args=[AGENT, PoliceHandBackBody(reason="a neighbours' dispute, not a police matter")],
    )
    assert back.status is TicketStatus.RECEIVED and back.handed_back_by_110 == 1
    assert back.pending_review is PendingReview.HANDED_BACK
    assert ("centre", "handed_back_by_110") in await tickets.notifications(handle)
    with pytest.raises(Exception) as twice:  # 110 has answered: nothing left to hand back
        await handle.execute_update(
            TicketWorkflow.hand_back_from_110, args=[AGENT, PoliceHandBackBody(reason="again")]
        )
    assert refusal(twice.value).type == "InvalidState"
    dispatched = await handle.execute_update(
        TicketWorkflow.dispatch, args=[AGENT, DispatchBody(lead="housing")]
    )
    assert dispatched.status is TicketStatus.DISPATCHED and dispatched.pending_review is None


async def test_silence_from_110_reminds_the_centre(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    await handle.execute_update(TicketWorkflow.transfer_110, args=[AGENT, FIGHT])
    await tickets.skip(hours=2, minutes=1)
    state = await tickets.state(handle)
    assert state.status is TicketStatus.AWAITING_110  # still 110's to answer
    assert (await tickets.actions(handle))[-1] == "no_answer_from_110"
    assert ("centre", "no_answer_from_110") in await tickets.notifications(handle)
    with pytest.raises(Exception) as department_tries:
        await handle.execute_update(
            TicketWorkflow.accept_for_110, args=[department("housing"), PoliceAcceptBody()]
        )
    assert refusal(department_tries.value).type == "Forbidden"


async def test_a_ticket_from_110_keeps_its_incident_number(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view(
        channel=Channel.POLICE, police_incident_no="110-20261130-0042"
    )
    assert view.channel is Channel.POLICE
    assert view.police_incident_no == "110-20261130-0042"
    assert (await tickets.actions(handle))[0] == "received"
