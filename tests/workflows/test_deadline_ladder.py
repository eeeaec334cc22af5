"""Timers that act: warning at 80 %, reminder at the deadline, supervision after the grace.

Real durations are skipped by the time-skipping server: a 7-day reply deadline, a
2-working-day return window across declared holidays, a 3-day callback.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from schema.action_bodies import DispatchBody, ReplyBody, ReturnBody, SignBody
from tests.support.actors import AGENT, department
from tests.support.policy import PolicyFile
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketWorkflow

LEAD = department("urban-management")


async def test_sign_deadline_climbs_warning_reminder_supervision(tickets: Tickets) -> None:
    handle = await tickets.open()  # general urgency: sign within 2 h
    await tickets.skip(minutes=95)
    assert (await tickets.state(handle)).escalation_level == 0
    await tickets.skip(minutes=2)  # past 96 min = 80 % of 2 h
    warned = await tickets.state(handle)
    assert warned.escalation_level == 1
    assert not warned.overdue
    await tickets.skip(minutes=24)  # past 2 h
    reminded = await tickets.state(handle)
    assert reminded.escalation_level == 2
    assert reminded.overdue
    await tickets.skip(days=4)  # past the 1-working-day grace, whatever the weekday
    supervised = await tickets.state(handle)
    assert supervised.escalation_level == 3
    assert "supervision" in supervised.deadlines
    assert supervised.supervision_tier is not None  # blue, or orange if its 3 wd ran out
    actions = await tickets.actions(handle)
    assert actions[:5] == [
        "received",
        "dispatched",
        "deadline_warning",
        "reminder",
        "supervision_order",
    ]
    assert (await tickets.notifications(handle))[:5] == [
        ("urban-management", "dispatched"),
        ("urban-management", "deadline_warning"),
        ("urban-management", "reminder"),
        ("supervisors", "supervision_order"),
        ("urban-management", "supervision_order"),
    ]
    # Signing late clears the sign clock; the reply deadline keeps the ticket overdue or not.
    signed = await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    assert signed.status == "handling"
    assert signed.escalation_level == 3  # the record of what happened stays


async def test_seven_day_reply_deadline_after_timely_sign(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    reply_due = view.deadlines["reply"]
    await tickets.skip(days=5, hours=14, minutes=20)  # 80 % of 7 d is 5 d 14 h 24 min
    assert (await tickets.state(handle)).escalation_level == 0
    await tickets.skip(minutes=10)
    assert (await tickets.state(handle)).escalation_level == 1
    await tickets.skip(days=1, hours=10)
    late = await tickets.state(handle)
    assert late.overdue
    assert late.escalation_level == 2
    assert late.deadlines["reply"] == reply_due
    events = await tickets.events(handle)
    reminder = next(e for e in events if e.action == "reminder")
    assert reminder.detail["step"] == "reply"
    assert reminder.at >= reply_due
    replied = await handle.execute_update(
        TicketWorkflow.reply, args=[LEAD, ReplyBody(outcome="resolved", content="done, late")]
    )
    assert not replied.overdue  # no deadline of the callback stage has passed


async def test_dispatch_deadline_reminds_the_centre(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    await tickets.skip(minutes=31)
    late = await tickets.state(handle)
    assert late.overdue
    assert late.escalation_level == 2
    assert ("centre", "reminder") in await tickets.notifications(handle)
    dispatched = await handle.execute_update(
        TicketWorkflow.dispatch, args=[AGENT, DispatchBody(lead="civil-affairs")]
    )
    assert not dispatched.overdue


async def test_callback_without_rating_closes_as_no_rating(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(
        TicketWorkflow.reply, args=[LEAD, ReplyBody(outcome="explained", content="permit ok")]
    )
    await tickets.skip(days=2, hours=23)
    assert (await tickets.state(handle)).status == "callback"
    await tickets.skip(hours=2)
    result = await handle.result()
    assert result["status"] == "closed"
    assert result["closure_reason"] == "no_rating"
    assert (await tickets.actions(handle))[-1] == "closed"


def _upcoming_days(start: datetime, count: int) -> list[str]:
    local = start.astimezone(ZoneInfo("Asia/Shanghai")).date()
    return [(local + timedelta(days=n)).isoformat() for n in range(1, count + 1)]


async def test_return_window_of_two_working_days_spans_declared_holidays(
    tickets: Tickets, policy: PolicyFile
) -> None:
    now = await tickets.env.get_current_time()
    holidays = _upcoming_days(now, 4)  # the next four days are declared public holidays
    policy.write(f"[calendar]\nholidays = [{', '.join(holidays)}]\n")
    handle, view = await tickets.open_with_view()
    window_end = view.deadlines["return_until"]
    # Two working days after four holidays: at least six calendar days away.
    assert window_end - view.updated_at >= timedelta(days=6)
    await tickets.skip(days=5)  # a plain 2-working-day window would have closed by now
    returned = await handle.execute_update(
        TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="r", legal_basis="b")]
    )
    assert returned.status == "returned"


async def test_return_after_the_window_is_refused(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await tickets.skip(seconds=(view.deadlines["return_until"] - view.updated_at).total_seconds())
    await tickets.skip(minutes=1)
    try:
        await handle.execute_update(
            TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="r", legal_basis="b")]
        )
    except Exception as error:
        problem = refusal(error)
        assert problem.type == "InvalidState"
        assert "return window" in problem.message
    else:
        raise AssertionError("a return after the window was accepted")


async def test_policy_file_sets_the_limits(tickets: Tickets, policy: PolicyFile) -> None:
    policy.write('[sign]\nemergency = "10m"\nutility = "10m"\ngeneral = "45m"\ncomplex = "45m"\n')
    handle, view = await tickets.open_with_view()
    assert view.deadlines["sign"] - view.updated_at == timedelta(minutes=45)
    await tickets.skip(minutes=46)
    assert (await tickets.state(handle)).overdue
