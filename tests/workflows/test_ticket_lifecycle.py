"""Every transition of domain.md §2, driven through the workflow's updates and signals."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from activities.statutory_holidays import statutory_holidays
from schema.action_bodies import (
    AnswerBody,
    DepartmentReplySignal,
    DispatchBody,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    ProgressBody,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
    WithdrawBody,
)
from tests.support.actors import AGENT, INTEGRATOR, department
from tests.support.tickets import Tickets
from workflows.ticket.workflow import TicketWorkflow

LEAD = department("urban-management")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days in (start, end], by the public calendar (where it has no data yet,
    weekdays but the statutory holidays of the regulation)."""
    first, last = start.astimezone(SHANGHAI).date(), end.astimezone(SHANGHAI).date()
    days = (first + timedelta(days=n) for n in range(1, (last - first).days + 1))
    return sum(1 for day in days if _is_workday(day))


def _is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year not published yet: the regulation's holidays
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


REPLY = ReplyBody(outcome="resolved", content="the stalls moved to the night market")
SATISFIED = RatingBody(satisfaction="satisfied", solved=True)


async def test_intake_routes_by_catalogue_and_dispatches_at_once(tickets: Tickets) -> None:
    _, view = await tickets.open_with_view(category="010202", district="putuo")
    assert view.status == "dispatched"
    assert view.lead_department == "housing"
    assert view.assisting_departments == ["comprehensive-enforcement", "natural-resources"]
    assert set(view.deadlines) == {"sign", "reply", "return_until"}
    dispatched_at = view.updated_at  # clocks start at dispatch, just after intake
    assert view.deadlines["sign"] - dispatched_at == timedelta(hours=2)
    assert view.deadlines["reply"] - dispatched_at == timedelta(days=7)


async def test_district_rule_wins_over_citywide_and_unknown_district_falls_back(
    tickets: Tickets,
) -> None:
    _, local = await tickets.open_with_view(category="020301", district="putuo")
    assert local.lead_department == "putuo-shenjiamen"
    # community-facilities has a rule for dinghai only: xincheng falls back to its government.
    _, fallback = await tickets.open_with_view(category="020304", district="xincheng")
    assert fallback.lead_department == "xincheng-gov"


async def test_emergency_limits_follow_the_policy(tickets: Tickets) -> None:
    _, view = await tickets.open_with_view(category="030201", urgency="emergency")
    assert view.deadlines["sign"] - view.updated_at == timedelta(hours=1)
    assert view.deadlines["reply"] - view.updated_at == timedelta(hours=2)


async def test_unknown_category_waits_for_manual_dispatch(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view(category="unheard-of-matter")
    assert view.status == "received"
    assert view.lead_department is None
    assert view.deadlines["dispatch"] - view.created_at == timedelta(minutes=30)
    dispatched = await handle.execute_update(
        TicketWorkflow.dispatch,
        args=[AGENT, DispatchBody(lead="civil-affairs", assisting=["justice"], note="by hand")],
    )
    assert dispatched.status == "dispatched"
    assert dispatched.lead_department == "civil-affairs"
    assert "dispatch" not in dispatched.deadlines
    assert ("civil-affairs", "dispatched") in await tickets.notifications(handle)
    assert ("justice", "dispatched") in await tickets.notifications(handle)


async def test_full_life_sign_reply_rate(tickets: Tickets) -> None:
    handle = await tickets.open()
    signed = await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    assert signed.status == "handling"
    assert "sign" not in signed.deadlines
    replied = await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    assert replied.status == "callback"
    assert replied.deadlines["callback"] - replied.updated_at == timedelta(days=3)
    closed = await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    assert closed.status == "closed"
    assert closed.closure_reason == "rated"
    assert closed.rating is not None and closed.rating.solved
    assert closed.deadlines == {}
    assert (await handle.result())["closure_reason"] == "rated"
    assert await tickets.actions(handle) == [
        "received",
        "dispatched",
        "signed",
        "replied",
        "rated",
        "closed",
    ]


async def test_answered_on_the_spot_goes_to_callback(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter", type="enquiry")
    view = await handle.execute_update(
        TicketWorkflow.answer, args=[AGENT, AnswerBody(content="office hours are 9-17")]
    )
    assert view.status == "callback"
    assert view.lead_department is None
    closed = await handle.execute_update(TicketWorkflow.rate, args=[INTEGRATOR, SATISFIED])
    assert closed.closure_reason == "rated"


@pytest.mark.parametrize(
    ("update", "body", "reason"),
    [
        # 转110 waits for 110's answer: tests/workflows/test_transfer_110.py
        (TicketWorkflow.reject, RejectBody(reason="case before the court"), "rejected"),
        (TicketWorkflow.withdraw, WithdrawBody(reason="solved by neighbours"), "withdrawn"),
    ],
)
async def test_closing_actions_from_received(tickets: Tickets, update, body, reason) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    view = await handle.execute_update(update, args=[AGENT, body])
    assert view.status == "closed"
    assert view.closure_reason == reason
    assert view.deadlines == {}


async def test_return_accepted_redispatches_with_fresh_clocks(tickets: Tickets) -> None:
    handle, first = await tickets.open_with_view()
    await tickets.skip(hours=1)
    returned = await handle.execute_update(
        TicketWorkflow.return_ticket,
        args=[
            LEAD,
            ReturnBody(
                reason="food stall hygiene is not ours", legal_basis="Food Safety Law art. 6"
            ),
        ],
    )
    assert returned.status == "returned"
    assert returned.pending_review == "return"
    assert returned.return_count == 1
    await tickets.skip(hours=3)  # clocks do not run while the centre reviews
    assert (await tickets.state(handle)).escalation_level == 0
    redispatched = await handle.execute_update(
        TicketWorkflow.review_return,
        args=[
            AGENT,
            ReturnReviewBody(accept=True, lead="market-supervision", assisting=["health"]),
        ],
    )
    assert redispatched.status == "dispatched"
    assert redispatched.lead_department == "market-supervision"
    assert redispatched.pending_review is None
    assert redispatched.created_at == first.created_at  # the overall clock keeps running
    assert redispatched.deadlines["sign"] - redispatched.updated_at == timedelta(hours=2)
    assert redispatched.deadlines["sign"] > first.deadlines["sign"] + timedelta(hours=3)
    new_lead = department("market-supervision")
    await handle.execute_update(TicketWorkflow.sign, args=[new_lead, SignBody()])


async def test_return_rejected_goes_back_to_the_same_lead_with_the_same_deadlines(
    tickets: Tickets,
) -> None:
    handle, first = await tickets.open_with_view()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(
        TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="x", legal_basis="y")]
    )
    back = await handle.execute_update(
        TicketWorkflow.review_return, args=[AGENT, ReturnReviewBody(accept=False, note="yours")]
    )
    assert back.status == "handling"
    assert back.lead_department == "urban-management"
    assert back.deadlines["reply"] == first.deadlines["reply"]
    assert ("urban-management", "return_rejected") in await tickets.notifications(handle)


async def test_progress_by_lead_and_assisting(tickets: Tickets) -> None:
    handle, first = await tickets.open_with_view(category="010501")  # ecology + urban-mgmt
    assert first.lead_department is not None
    await handle.execute_update(
        TicketWorkflow.sign, args=[department(first.lead_department), SignBody()]
    )
    for actor in (department("ecology"), department("urban-management")):
        await handle.execute_update(
            TicketWorkflow.report_progress, args=[actor, ProgressBody(content="site visited")]
        )
    assert (await tickets.actions(handle)).count("progress") == 2


async def test_progress_follows_the_signature(tickets: Tickets) -> None:
    """阶段性答复 before 签收 is refused (since "progress-needs-the-signature")."""
    handle = await tickets.open()
    with pytest.raises(Exception) as refused:
        await handle.execute_update(
            TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content="on site")]
        )
    assert "has not signed for it yet" in str(refused.value.__cause__ or refused.value)
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(
        TicketWorkflow.report_progress, args=[LEAD, ProgressBody(content="on site")]
    )
    assert (await tickets.actions(handle)).count("progress") == 1


async def test_extension_approved_moves_the_reply_deadline_by_working_days(
    tickets: Tickets,
) -> None:
    handle, first = await tickets.open_with_view()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    asked = await handle.execute_update(
        TicketWorkflow.request_extension,
        args=[LEAD, ExtensionBody(working_days=5, reason="needs a joint inspection")],
    )
    assert asked.pending_review == "extension"
    approved = await handle.execute_update(
        TicketWorkflow.review_extension, args=[AGENT, ExtensionReviewBody(approve=True)]
    )
    assert approved.pending_review is None
    moved_from, moved_to = first.deadlines["reply"], approved.deadlines["reply"]
    assert working_days_between(moved_from, moved_to) == 5
    assert moved_to.astimezone(SHANGHAI).time() == moved_from.astimezone(SHANGHAI).time()


async def test_extension_refused_keeps_the_deadline(tickets: Tickets) -> None:
    handle, first = await tickets.open_with_view()
    await handle.execute_update(
        TicketWorkflow.request_extension,
        args=[LEAD, ExtensionBody(working_days=2, reason="short of staff")],
    )
    refused = await handle.execute_update(
        TicketWorkflow.review_extension, args=[AGENT, ExtensionReviewBody(approve=False)]
    )
    assert refused.deadlines["reply"] == first.deadlines["reply"]
    assert "extension_refused" in await tickets.actions(handle)


async def test_unsatisfied_reasonable_rating_sends_back_for_rework(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    rated = await handle.execute_update(
        TicketWorkflow.rate,
        args=[AGENT, RatingBody(satisfaction="unsatisfied", solved=False, comment="still there")],
    )
    assert rated.status == "callback"
    assert rated.pending_review == "rating"
    rework = await handle.execute_update(
        TicketWorkflow.review_rating, args=[AGENT, RatingReviewBody(reasonable=True)]
    )
    assert rework.status == "handling"
    assert rework.rework_count == 1
    # 发回重办 is under priority supervision, and its reply limit says which rule set it.
    assert rework.deadline_rules == {"reply": "rework"} and rework.priority_supervision
    assert working_days_between(rework.updated_at, rework.deadlines["reply"]) == 3
    assert ("urban-management", "sent_back_for_rework") in await tickets.notifications(handle)
    redone = await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    assert not redone.priority_supervision  # redone: the callback's rule is no rework's
    closed = await handle.execute_update(TicketWorkflow.rate, args=[AGENT, SATISFIED])
    assert closed.closure_reason == "rated"
    assert closed.rework_count == 1
    assert not closed.excluded_from_score


async def test_unreasonable_dissatisfaction_closes_excluded_from_score(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await handle.execute_update(
        TicketWorkflow.rate, args=[AGENT, RatingBody(satisfaction="unsatisfied", solved=False)]
    )
    closed = await handle.execute_update(
        TicketWorkflow.review_rating, args=[AGENT, RatingReviewBody(reasonable=False)]
    )
    assert closed.status == "closed"
    assert closed.closure_reason == "rated"
    assert closed.excluded_from_score


async def test_merge_closes_the_duplicate_and_tells_the_earlier_ticket(tickets: Tickets) -> None:
    earlier, earlier_view = await tickets.open_with_view()
    duplicate = await tickets.open()
    merged = await duplicate.execute_update(
        TicketWorkflow.merge, args=[AGENT, MergeBody(into=earlier_view.ticket_no)]
    )
    assert merged.closure_reason == "merged"
    assert merged.merged_into == earlier_view.ticket_no
    await duplicate.result()
    assert "duplicate_merged" in await tickets.actions(earlier)


async def test_signals_drive_reply_and_rating(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await handle.signal(
        TicketWorkflow.department_reply,
        DepartmentReplySignal(
            department="urban-management", outcome="explained", content="a permit was issued"
        ),
    )
    await handle.signal(
        TicketWorkflow.citizen_rating, RatingBody(satisfaction="basically_satisfied", solved=True)
    )
    result = await handle.result()
    assert result["closure_reason"] == "rated"
    assert result["rating"]["satisfaction"] == "basically_satisfied"
