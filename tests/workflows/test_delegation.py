"""二级派单: a district passes a ticket down to a street (and the street to a community);
the unit below signs, hands it back up or replies up; the unit above reviews that reply.
The lead stays responsible (首接负责制): its own clocks run and its ladder climbs.

On the time-skipping server, with the general urgency's 7-day reply deadline.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowHandle

from schema.action_bodies import (
    DelegateBody,
    DelegatedReplyBody,
    DelegatedReturnBody,
    DelegatedReviewBody,
    ReplyBody,
    ResumeBody,
    SignBody,
    SuspensionBody,
    SuspensionReviewBody,
)
from schema.escalation import EscalationKind
from schema.policy import Policy
from schema.ticket import DelegationEnd, DelegationStage, TicketStatus, TicketView
from tests.support.actors import AGENT, department
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketWorkflow

DISTRICT, STREET, COMMUNITY = "urban-management", "um-huannan", "um-sanjiang"
LEAD, BELOW, LOWEST = department(DISTRICT), department(STREET), department(COMMUNITY)
CITY = ZoneInfo(Policy().timezone)


def day(view: TicketView, after: int) -> date:
    """The city's calendar day ``after`` days from the ticket's last change."""
    return (view.updated_at.astimezone(CITY) + timedelta(days=after)).date()


async def passed_down(tickets: Tickets, after: int = 3) -> tuple[WorkflowHandle, TicketView]:
    handle = await tickets.open()  # urban management leads; reply within 7 days
    signed = await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    view = await handle.execute_update(
        TicketWorkflow.delegate,
        args=[LEAD, DelegateBody(unit=STREET, reply_by=day(signed, after), note="请街道核实")],
    )
    return handle, view


async def test_the_street_signs_replies_up_and_the_district_accepts(tickets: Tickets) -> None:
    handle, view = await passed_down(tickets)
    (below,) = view.delegations
    assert (below.by, below.unit, below.stage) == (DISTRICT, STREET, DelegationStage.TO_SIGN)
    assert view.deadlines["delegated_reply"] == below.due_at <= view.deadlines["reply"]
    assert below.due_at.astimezone(CITY).time().hour == 0  # the end of the day given
    with pytest.raises(Exception) as early:
        await handle.execute_update(
            TicketWorkflow.reply_delegated,
            args=[BELOW, DelegatedReplyBody(outcome="resolved", content="已处理")],
        )
    assert refusal(early.value).type == "InvalidState"  # sign first
    await handle.execute_update(TicketWorkflow.sign_delegated, args=[BELOW, SignBody()])
    replied = await handle.execute_update(
        TicketWorkflow.reply_delegated,
        args=[BELOW, DelegatedReplyBody(outcome="resolved", content="摊贩已劝离")],
    )
    assert replied.delegations[0].stage is DelegationStage.REPLIED
    assert "delegated_reply" not in replied.deadlines
    accepted = await handle.execute_update(
        TicketWorkflow.review_delegated_reply, args=[LEAD, DelegatedReviewBody(accept=True)]
    )
    assert accepted.status is TicketStatus.CALLBACK and accepted.delegations == []
    actions = await tickets.actions(handle)
    assert actions[-4:] == [
        "delegated_signed",
        "delegated_replied",
        "delegated_reply_accepted",
        "replied",
    ]
    replied_event = (await tickets.events(handle))[-1]
    assert replied_event.detail["content"] == "摊贩已劝离"
    assert replied_event.actor.startswith(f"department:{DISTRICT}:")  # in the lead's name
    assert (STREET, "delegated") in await tickets.notifications(handle)


async def test_the_reply_sent_back_down_is_given_again(tickets: Tickets) -> None:
    handle, view = await passed_down(tickets)
    await handle.execute_update(TicketWorkflow.sign_delegated, args=[BELOW, SignBody()])
    first = DelegatedReplyBody(outcome="explained", content="非本街道职责")
    await handle.execute_update(TicketWorkflow.reply_delegated, args=[BELOW, first])
    sent_back = await handle.execute_update(
        TicketWorkflow.review_delegated_reply,
        args=[LEAD, DelegatedReviewBody(accept=False, note="请实地核查", reply_by=day(view, 4))],
    )
    (below,) = sent_back.delegations
    assert below.stage is DelegationStage.HANDLING and below.sent_back == 1
    assert below.reply is None and sent_back.status is TicketStatus.HANDLING
    assert (STREET, "delegated_reply_sent_back") in await tickets.notifications(handle)
    second = DelegatedReplyBody(outcome="resolved", content="已实地核查并处理")
    await handle.execute_update(TicketWorkflow.reply_delegated, args=[BELOW, second])
    done = await handle.execute_update(
        TicketWorkflow.review_delegated_reply, args=[LEAD, DelegatedReviewBody(accept=True)]
    )
    assert done.status is TicketStatus.CALLBACK


async def test_a_late_street_climbs_the_districts_ladder(tickets: Tickets) -> None:
    handle, _ = await passed_down(tickets, after=2)
    await tickets.skip(days=4)  # past the street's day, inside the district's 7 days
    late = await tickets.state(handle)
    below = [(r.kind, r.department) for r in late.open_escalations if r.step == "delegated_reply"]
    assert below == [(EscalationKind.REMINDER, STREET)]
    assert not late.overdue  # the citizen's deadline has not passed
    assert late.escalation_level == 0  # the street's rungs are its own, not the ticket's
    notices = await tickets.notifications(handle)
    assert (STREET, "reminder") in notices and (DISTRICT, "reminder") in notices
    await tickets.skip(days=4)  # past the district's own reply deadline
    # The district's reminder, then its supervision order once the grace ran out: one
    # working day, so a weekend in it (the test server starts at today's date) adds days.
    for _ in range(5):
        overdue = await tickets.state(handle)
        lead_rungs = [(r.kind, r.department) for r in overdue.open_escalations if r.step == "reply"]
        if lead_rungs != [(EscalationKind.REMINDER, DISTRICT)]:
            break
        await tickets.skip(days=1)
    assert lead_rungs == [(EscalationKind.SUPERVISION_ORDER, DISTRICT)]
    assert overdue.overdue and overdue.escalation_level == 3
    assert overdue.delegations[0].unit == STREET  # still with the street: the district answers


async def test_three_levels_and_a_hand_back(tickets: Tickets) -> None:
    handle, view = await passed_down(tickets, after=4)
    await handle.execute_update(TicketWorkflow.sign_delegated, args=[BELOW, SignBody()])
    with pytest.raises(Exception) as outside:
        await handle.execute_update(
            TicketWorkflow.delegate,
            args=[BELOW, DelegateBody(unit=COMMUNITY, reply_by=day(view, 6))],
        )
    assert refusal(outside.value).type == "InvalidInput"  # after the street's own day
    to_community = DelegateBody(unit=COMMUNITY, reply_by=day(view, 3))
    await handle.execute_update(TicketWorkflow.delegate, args=[BELOW, to_community])
    with pytest.raises(Exception) as not_yours:
        await handle.execute_update(
            TicketWorkflow.reply_delegated,
            args=[BELOW, DelegatedReplyBody(outcome="resolved", content="x")],
        )
    assert refusal(not_yours.value).type == "InvalidState"  # it is the community's turn now
    back = await handle.execute_update(
        TicketWorkflow.return_delegated,
        args=[LOWEST, DelegatedReturnBody(reason="不在本社区辖区")],
    )
    assert [d.unit for d in back.delegations] == [STREET]
    assert (STREET, "delegated_returned") in await tickets.notifications(handle)
    await handle.execute_update(TicketWorkflow.delegate, args=[BELOW, to_community])
    await handle.execute_update(TicketWorkflow.sign_delegated, args=[LOWEST, SignBody()])
    up = DelegatedReplyBody(outcome="resolved", content="社区已协调")
    await handle.execute_update(TicketWorkflow.reply_delegated, args=[LOWEST, up])
    to_district = await handle.execute_update(
        TicketWorkflow.review_delegated_reply, args=[BELOW, DelegatedReviewBody(accept=True)]
    )
    (street,) = to_district.delegations
    assert street.stage is DelegationStage.REPLIED and street.reply is not None
    assert street.reply.content == "社区已协调" and street.reply.by == COMMUNITY
    done = await handle.execute_update(
        TicketWorkflow.review_delegated_reply, args=[LEAD, DelegatedReviewBody(accept=True)]
    )
    assert done.status is TicketStatus.CALLBACK
    # The chain is off the ticket's hands, and still on the ticket, each step finished.
    assert done.delegations == []
    assert [(d.unit, d.ended) for d in done.finished_delegations] == [
        (COMMUNITY, DelegationEnd.HANDED_BACK),
        (COMMUNITY, DelegationEnd.ACCEPTED),
        (STREET, DelegationEnd.ACCEPTED),
    ]
    assert all(d.finished_at is not None for d in done.finished_delegations)
    assert done.finished_delegations[-1].reply is not None


async def test_who_may_pass_down_and_what(tickets: Tickets) -> None:
    handle = await tickets.open()
    signed = await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    cases = [
        (department("housing"), DelegateBody(unit=STREET, reply_by=day(signed, 2)), "Forbidden"),
        (LEAD, DelegateBody(unit=DISTRICT, reply_by=day(signed, 2)), "InvalidInput"),
        (LEAD, DelegateBody(unit=STREET, reply_by=day(signed, 30)), "InvalidInput"),
        (LEAD, DelegateBody(unit=STREET, reply_by=day(signed, -2)), "InvalidInput"),
    ]
    for actor, body, refused in cases:
        with pytest.raises(Exception) as error:
            await handle.execute_update(TicketWorkflow.delegate, args=[actor, body])
        assert refusal(error.value).type == refused, body
    ok = DelegateBody(unit=STREET, reply_by=day(signed, 2))
    await handle.execute_update(TicketWorkflow.delegate, args=[LEAD, ok])
    with pytest.raises(Exception) as again:  # the street has not signed: not the lead's turn
        await handle.execute_update(
            TicketWorkflow.delegate, args=[LEAD, DelegateBody(unit=COMMUNITY, reply_by=ok.reply_by)]
        )
    assert refusal(again.value).type == "InvalidState"
    with pytest.raises(Exception) as nothing_to_review:
        await handle.execute_update(
            TicketWorkflow.review_delegated_reply, args=[LEAD, DelegatedReviewBody(accept=True)]
        )
    assert refusal(nothing_to_review.value).type == "InvalidState"
    assert await tickets.actions(handle) == ["received", "dispatched", "signed", "delegated"]


async def test_the_lead_replying_itself_ends_the_chain(tickets: Tickets) -> None:
    handle, _ = await passed_down(tickets)
    replied = await handle.execute_update(
        TicketWorkflow.reply, args=[LEAD, ReplyBody(outcome="resolved", content="区里直接处理")]
    )
    assert replied.status is TicketStatus.CALLBACK and replied.delegations == []
    assert [(d.unit, d.ended) for d in replied.finished_delegations] == [
        (STREET, DelegationEnd.ENDED)
    ]
    assert (STREET, "delegations_ended") in await tickets.notifications(handle)


async def test_a_suspension_stops_the_street_clock_too(tickets: Tickets) -> None:
    handle, view = await passed_down(tickets, after=3)
    street_due = view.delegations[0].due_at
    until = day(view, 5)
    await handle.execute_update(
        TicketWorkflow.request_suspension,
        args=[LEAD, SuspensionBody(reason="等待市民补充材料", expected_resume=until)],
    )
    await handle.execute_update(
        TicketWorkflow.review_suspension, args=[AGENT, SuspensionReviewBody(approve=True)]
    )
    await tickets.skip(days=5)
    quiet = await tickets.state(handle)
    assert quiet.escalation_level == 0  # nothing climbed while suspended
    resumed = await handle.execute_update(TicketWorkflow.resume, args=[LEAD, ResumeBody()])
    shifted = resumed.delegations[0].due_at - street_due
    assert timedelta(days=5) <= shifted < timedelta(days=5, minutes=5)
    assert resumed.deadlines["delegated_reply"] == resumed.delegations[0].due_at
