"""The ticket's effects and the process table they hang from, run without any server.

Effects are plain coroutines over ``TicketState``: given the instant, the actor, the
body and a way to compute deadlines, they change the state and say what the workflow
must start or cancel. Here deadlines come from a recorded working-day sheet, as they
do in the workflow.
"""

from __future__ import annotations

import inspect
from typing import get_type_hints

import pytest
from temporalio import workflow
from temporalio.exceptions import ApplicationError

from schema.action_bodies import DispatchBody, RatingBody, ReplyBody, SignBody, WithdrawBody
from schema.escalation import EscalationKind, JointMeetingBody, JointMeetingStart
from schema.policy import Policy
from schema.ticket import ClosureReason, TicketStatus, TimelineAction
from tests.support.actors import AGENT, SUPERVISOR, department
from tests.support.data import intake
from tests.support.effects import LEAD, dispatched, due, local, registered, run
from workflows.ticket import children, closing, handling, ladder
from workflows.ticket.outcome import Outcome
from workflows.ticket.process import BY_ACTION, CHECKS, EFFECTS, PROCESS
from workflows.ticket.state import Rung, Step
from workflows.ticket.state.projections import view
from workflows.ticket.workflow import TicketWorkflow


def test_every_row_has_its_check_its_effect_and_its_update() -> None:
    # The definition the worker registers (the SDK keeps it private; it is what counts).
    registered_updates = workflow._Definition.must_from_class(TicketWorkflow).updates
    for row in PROCESS:
        assert row.action in CHECKS, row.action
        assert row.action in EFFECTS or row.action == "merge", row.action  # merge: by hand
        definition = registered_updates[row.update]
        assert definition.validator is not None, row.action
        update = getattr(TicketWorkflow, row.update)
        hints = get_type_hints(update)
        assert [hints[p] for p in list(inspect.signature(update).parameters)[1:]] == [
            type(AGENT),
            row.body,
        ], row.action


def test_dispatch_sets_the_clocks_on_the_holiday_calendar() -> None:
    # Dispatched on the eve of National Day 2026: 7 days run around the clock, but the
    # 2-working-day return window skips the holiday week (1–7 October; 8 and 9 work).
    s = dispatched(local(9, 30))
    assert s.status is TicketStatus.DISPATCHED and s.lead_department == LEAD.department
    assert s.clocks[Step.SIGN].due_at == local(9, 30, 12)  # 2 hours
    assert s.clocks[Step.REPLY].due_at == local(10, 7)  # 7 days
    assert s.other_deadlines["return_until"] == local(10, 9)
    assert s.clocks[Step.REPLY].supervise_at == local(10, 8)  # the next working day
    (event,) = [e for e in s.unpublished_events if e.action == TimelineAction.DISPATCHED]
    assert event.detail["reply_due"] == local(10, 7).isoformat()
    assert [n.recipient for n in s.outbox] == [LEAD.department]


def test_the_main_line_closes_a_ticket() -> None:
    s = dispatched(local(11, 2))
    assert run(handling.sign(s, local(11, 2, 11), LEAD, SignBody(), due)) == Outcome()
    assert s.status is TicketStatus.HANDLING and Step.SIGN not in s.clocks
    run(closing.reply(s, local(11, 3), LEAD, ReplyBody(outcome="resolved", content="x"), due))
    assert s.status is TicketStatus.CALLBACK
    assert s.clocks[Step.CALLBACK].due_at == local(11, 6)  # 3 days
    run(
        closing.rate(s, local(11, 4), AGENT, RatingBody(satisfaction="satisfied", solved=True), due)
    )
    assert s.status is TicketStatus.CLOSED and s.closure_reason is ClosureReason.RATED
    assert s.clocks == {} and s.closed_at == local(11, 4)


def test_a_checked_action_is_refused_before_its_effect() -> None:
    s = dispatched(local(11, 2))
    with pytest.raises(ApplicationError, match="only the lead department"):
        BY_ACTION["sign"].check(s, department("housing"), SignBody(), local(11, 2, 11))
    assert s.status is TicketStatus.DISPATCHED


def test_the_ladder_climbs_reminder_then_a_blue_order() -> None:
    s = dispatched(local(11, 2))
    sign = s.clocks[Step.SIGN]
    at = local(11, 2, 13)
    run(ladder.climb(s, at, sign, Rung.REMINDER, due, tiered=lambda: True, patched=lambda _: True))
    assert s.missed_deadlines == 1 and s.escalation_level == 2
    run(
        ladder.climb(
            s,
            local(11, 3, 13),
            sign,
            Rung.SUPERVISION,
            due,
            tiered=lambda: True,
            patched=lambda _: True,
        )
    )
    (order,) = s.open_escalations(EscalationKind.SUPERVISION_ORDER)
    assert order.tier == "blue" and order.due_at == local(11, 6, 13)  # 3 working days
    assert s.clocks[Step.SUPERVISION].follows_missed_deadline


def test_a_joint_meeting_is_a_child_to_start_and_closing_cancels_it() -> None:
    s = dispatched(local(11, 2))
    body = JointMeetingBody(departments=["housing"], agenda="who leads")
    outcome = run(children.joint_meeting(s, local(11, 3), SUPERVISOR, body, due))
    (meeting,) = outcome.children
    assert isinstance(meeting, JointMeetingStart) and meeting.departments == ["housing"]
    closed = run(
        BY_ACTION["withdraw"].effect(s, local(11, 4), AGENT, WithdrawBody(reason="x"), due)
    )
    assert closed.cancel == [meeting.workflow_id]
    assert s.closure_reason is ClosureReason.WITHDRAWN


def test_a_fast_lane_sets_the_enterprise_reply_and_says_so() -> None:
    s = registered(local(11, 2))
    s.intake = intake(enterprise=True)
    s.policy = Policy.model_validate(
        {"lanes": [{"name": "涉企三速", "enterprise": True, "reply": "3wd"}]}
    )
    run(handling.dispatch(s, local(11, 2), AGENT, DispatchBody(lead="housing"), due))
    assert s.clocks[Step.REPLY].due_at == local(11, 5)  # 3 working days, not 7 days
    assert view(s).deadline_rules == {"sign": "urgency:general", "reply": "lane:涉企三速"}


def test_each_deadline_warns_at_the_policys_share_of_its_span() -> None:
    s = registered(local(11, 2))
    s.policy = Policy.model_validate({"warning_ratio": 0.75})
    run(handling.dispatch(s, local(11, 2), AGENT, DispatchBody(lead="housing"), due))
    shown = view(s)
    for name in ("sign", "reply"):
        start = s.clocks[Step(name)].started_at
        span = shown.deadlines[name] - start
        assert shown.deadline_warnings[name] == start + span * 0.75, name
