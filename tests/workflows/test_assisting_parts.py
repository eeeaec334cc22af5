"""协办意见: each assisting department owes the lead its part by the policy's
``assist_part`` (3 working days) from dispatch; a late part climbs its own warning and
reminder against the assisting department; the lead's reply names the parts it used."""

from __future__ import annotations

import pytest

from schema.action_bodies import AssistingPartBody, ReplyBody, SignBody
from schema.escalation import EscalationKind
from tests.support.actors import department
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketWorkflow

LEAD, ASSISTING = department("ecology"), department("urban-management")
NOISE = "010501"  # the catalogue: ecology leads, urban management assists


async def test_a_part_given_in_time_is_used_in_the_reply(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view(category=NOISE)
    assert view.assisting_departments == ["urban-management"]
    (owed,) = view.parts
    assert owed.department == "urban-management" and owed.submitted_at is None
    given = await handle.execute_update(
        TicketWorkflow.submit_part, args=[ASSISTING, AssistingPartBody(content="已约谈施工方")]
    )
    assert [p.submitted_at is not None for p in given.parts] == [True]
    with pytest.raises(Exception) as twice:
        await handle.execute_update(
            TicketWorkflow.submit_part, args=[ASSISTING, AssistingPartBody(content="again")]
        )
    assert refusal(twice.value).type == "InvalidState"
    with pytest.raises(Exception) as lead_tries:
        await handle.execute_update(
            TicketWorkflow.submit_part, args=[LEAD, AssistingPartBody(content="mine")]
        )
    assert refusal(lead_tries.value).type == "Forbidden"
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    unknown = ReplyBody(outcome="resolved", content="done", parts_used=["housing"])
    with pytest.raises(Exception) as not_given:
        await handle.execute_update(TicketWorkflow.reply, args=[LEAD, unknown])
    assert refusal(not_given.value).type == "InvalidInput"
    used = ReplyBody(outcome="resolved", content="done", parts_used=["urban-management"])
    replied = await handle.execute_update(TicketWorkflow.reply, args=[LEAD, used])
    assert replied.status == "callback"
    (part,) = replied.parts  # kept on the ticket, marked as used by the reply
    assert part.submitted_at is not None and part.used and not part.owed
    (reply,) = [e for e in await tickets.events(handle) if e.action == "replied"]
    assert reply.detail["parts_used"] == ["urban-management"]
    assert ("ecology", "part_submitted") in await tickets.notifications(handle)


async def test_a_late_part_climbs_against_the_assisting_department(tickets: Tickets) -> None:
    handle = await tickets.open(category=NOISE)
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await tickets.skip(days=6)  # past 3 working days, whatever the weekday, within 7 days
    state = await tickets.state(handle)
    climbed = [(r.kind, r.department) for r in state.open_escalations if r.step == "assisting_part"]
    assert climbed == [(EscalationKind.REMINDER, "urban-management")]
    # The ticket's level is the lead's: its own warning (80 % of its 7 days), not the
    # part's reminder; and the lead is on time.
    assert [r.kind for r in state.open_escalations if r.step == "reply"] == ["warning"]
    assert state.escalation_level == 1 and not state.overdue
    notices = await tickets.notifications(handle)
    assert ("urban-management", "deadline_warning") in notices
    assert ("urban-management", "reminder") in notices
    late = await handle.execute_update(
        TicketWorkflow.submit_part, args=[ASSISTING, AssistingPartBody(content="迟交")]
    )
    assert not [r for r in late.open_escalations if r.step == "assisting_part"]


async def test_a_part_never_given_stays_on_the_ticket_closed_unanswered(tickets: Tickets) -> None:
    handle = await tickets.open(category=NOISE)
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    alone = ReplyBody(outcome="resolved", content="done without the part")
    replied = await handle.execute_update(TicketWorkflow.reply, args=[LEAD, alone])
    (part,) = replied.parts
    assert part.department == "urban-management" and part.submitted_at is None
    assert part.closed_unanswered_at == replied.updated_at  # closed by the reply
    assert not part.owed and not part.used
    (reply,) = [e for e in await tickets.events(handle) if e.action == "replied"]
    assert reply.detail["parts_used"] == []
    assert not [r for r in replied.open_escalations if r.step == "assisting_part"]
