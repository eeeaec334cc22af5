"""挂起: the clocks stand still while a ticket is suspended, and keep what they had left.

On the time-skipping server: a 7-day reply deadline suspended on day 3 for 10 days
resumes with 4 days left and fires on time; the ladder does not climb while suspended;
the policy's longest suspension (30 days by default) resumes the ticket by itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowHandle

from schema.action_bodies import (
    ProgressBody,
    ResumeBody,
    SignBody,
    SuspensionBody,
    SuspensionReviewBody,
)
from schema.policy import Policy
from schema.ticket import TicketStatus, TicketView
from tests.support.actors import AGENT, department
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketWorkflow

LEAD = department("urban-management")
MATERIALS = "等待市民补充材料"


def suspension(until: date) -> SuspensionBody:
    return SuspensionBody(reason=MATERIALS, expected_resume=until)


async def suspended_on_day_three(
    tickets: Tickets,
) -> tuple[WorkflowHandle, TicketView, TicketView]:
    handle, view = await tickets.open_with_view()  # general: reply within 7 days
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await tickets.skip(days=3)
    state = await tickets.state(handle)
    until = (state.updated_at + timedelta(days=10)).date()
    await handle.execute_update(TicketWorkflow.request_suspension, args=[LEAD, suspension(until)])
    approved = await handle.execute_update(
        TicketWorkflow.review_suspension, args=[AGENT, SuspensionReviewBody(approve=True)]
    )
    return handle, view, approved


async def test_a_suspended_reply_clock_keeps_its_four_days(tickets: Tickets) -> None:
    handle, view, approved = await suspended_on_day_three(tickets)
    reply_due = view.deadlines["reply"]
    assert approved.status is TicketStatus.SUSPENDED
    assert approved.suspended_since is not None and "reply" not in approved.deadlines
    assert approved.deadlines["suspended"] - approved.suspended_since == timedelta(days=30)
    await tickets.skip(days=10)  # far past the original deadline: nothing climbs
    waiting = await tickets.state(handle)
    assert waiting.status is TicketStatus.SUSPENDED
    assert waiting.escalation_level == 0 and not waiting.overdue
    resumed = await handle.execute_update(TicketWorkflow.resume, args=[LEAD, ResumeBody()])
    assert resumed.status is TicketStatus.HANDLING
    assert resumed.suspension_count == 1
    standstill = timedelta(seconds=resumed.suspended_seconds)
    assert timedelta(days=10) <= standstill < timedelta(days=10, minutes=5)
    moved = resumed.deadlines["reply"] - reply_due  # by the standstill: 4 days left, not 7
    assert abs(moved - standstill) < timedelta(seconds=1)
    left = resumed.deadlines["reply"] - resumed.updated_at
    assert timedelta(days=3, hours=23) < left <= timedelta(days=4)
    await tickets.skip(days=4, minutes=5)  # and it fires on time
    late = await tickets.state(handle)
    assert late.overdue and late.escalation_level == 2
    actions = await tickets.actions(handle)
    assert actions[-5:] == [
        "suspension_requested",
        "suspension_approved",
        "resumed",
        "deadline_warning",  # the clock's 80 %, moved on with it
        "reminder",
    ]


async def test_the_longest_suspension_resumes_by_itself(tickets: Tickets) -> None:
    handle, view, _ = await suspended_on_day_three(tickets)
    await tickets.skip(days=30, minutes=1)
    resumed = await tickets.state(handle)
    assert resumed.status is TicketStatus.HANDLING
    assert resumed.suspended_seconds == 30 * 86400
    moved = resumed.deadlines["reply"] - view.deadlines["reply"]
    assert timedelta(days=30) <= moved < timedelta(days=30, seconds=1)
    assert (await tickets.actions(handle))[-1] == "resumed"
    assert ("urban-management", "resumed") in await tickets.notifications(handle)


async def test_a_suspension_needs_a_policy_reason_and_the_centre(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    later = ((await tickets.state(handle)).updated_at + timedelta(days=5)).date()
    with pytest.raises(Exception) as wrong_reason:
        await handle.execute_update(
            TicketWorkflow.request_suspension,
            args=[LEAD, SuspensionBody(reason="too busy", expected_resume=later)],
        )
    assert refusal(wrong_reason.value).type == "InvalidInput"
    assert "等待市民补充材料" in refusal(wrong_reason.value).message
    with pytest.raises(Exception) as no_request:
        await handle.execute_update(
            TicketWorkflow.review_suspension, args=[AGENT, SuspensionReviewBody(approve=True)]
        )
    assert refusal(no_request.value).type == "InvalidState"
    await handle.execute_update(TicketWorkflow.request_suspension, args=[LEAD, suspension(later)])
    refused = await handle.execute_update(
        TicketWorkflow.review_suspension, args=[AGENT, SuspensionReviewBody(approve=False)]
    )
    assert refused.status is TicketStatus.HANDLING and refused.suspended_since is None
    with pytest.raises(Exception) as not_suspended:
        await handle.execute_update(TicketWorkflow.resume, args=[LEAD, ResumeBody()])
    assert refusal(not_suspended.value).type == "InvalidState"


async def test_expected_resume_is_not_past_by_the_citys_date(tickets: Tickets) -> None:
    """At 02:00 in Shanghai the UTC date is still yesterday's: yesterday is refused."""
    handle = await tickets.open()
    signed = await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    city = ZoneInfo(Policy().timezone)
    local = signed.updated_at.astimezone(city)
    night = datetime.combine(local.date() + timedelta(days=1), time(2), city)
    await tickets.skip(seconds=(night - signed.updated_at).total_seconds())
    now = (
        await handle.execute_update(
            TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content="on site")]
        )
    ).updated_at
    assert now.astimezone(city).hour < 8  # the clock is where the test needs it
    today = now.astimezone(city).date()
    yesterday = today - timedelta(days=1)
    assert yesterday == now.astimezone(UTC).date()
    with pytest.raises(Exception) as past:
        await handle.execute_update(
            TicketWorkflow.request_suspension, args=[LEAD, suspension(yesterday)]
        )
    assert refusal(past.value).type == "InvalidInput"
    assert "in the past" in refusal(past.value).message
    asked = await handle.execute_update(
        TicketWorkflow.request_suspension, args=[LEAD, suspension(today)]
    )
    assert asked.pending_review == "suspension"
