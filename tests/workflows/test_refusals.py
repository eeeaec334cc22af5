"""Every validator refusal: the right error type, and nothing enters history."""

from __future__ import annotations

from typing import Any

import pytest
from temporalio.client import WorkflowHandle
from temporalio.service import RPCError, RPCStatusCode

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
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    SignBody,
    WithdrawBody,
)
from schema.policy import Policy
from tests.support.actors import AGENT, INTEGRATOR, SUPERVISOR, department
from tests.support.tickets import Tickets, refusal
from workflows.ticket.workflow import TicketUpdate, TicketWorkflow

LEAD = department("urban-management")
OTHER = department("housing")
REPLY = ReplyBody(outcome="resolved", content="done")


async def expect_refusal(
    tickets: Tickets,
    handle: WorkflowHandle,
    kind: str,
    words: str,
    update: TicketUpdate,
    actor: Any,
    body: Any,
) -> None:
    before = await tickets.accepted_updates(handle)
    with pytest.raises(Exception) as caught:
        await handle.execute_update(update, args=[actor, body])
    problem = refusal(caught.value)
    assert problem.type == kind, problem.message
    assert words in problem.message
    assert await tickets.accepted_updates(handle) == before  # never entered history


async def signed_ticket(tickets: Tickets) -> WorkflowHandle:
    handle = await tickets.open()
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    return handle


async def test_wrong_role_is_forbidden(tickets: Tickets) -> None:
    handle = await tickets.open()
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "role 'agent' may not sign",
        TicketWorkflow.sign,
        AGENT,
        SignBody(),
    )
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "role 'department' may not dispatch",
        TicketWorkflow.dispatch,
        LEAD,
        DispatchBody(lead="housing"),
    )
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "may not withdraw",
        TicketWorkflow.withdraw,
        SUPERVISOR,
        WithdrawBody(),
    )


async def test_only_the_lead_department_acts(tickets: Tickets) -> None:
    handle = await tickets.open()
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "only the lead department",
        TicketWorkflow.sign,
        OTHER,
        SignBody(),
    )
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "neither lead nor assisting",
        TicketWorkflow.report_progress,
        OTHER,
        ProgressBody(content="x"),
    )
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "only the lead department",
        TicketWorkflow.return_ticket,
        OTHER,
        ReturnBody(reason="r", legal_basis="b"),
    )


async def test_wrong_state_is_refused_with_what_is_allowed(tickets: Tickets) -> None:
    handle = await tickets.open()
    await expect_refusal(
        tickets, handle, "InvalidState", "'dispatched': sign it", TicketWorkflow.reply, LEAD, REPLY
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "allowed only when it is: received",
        TicketWorkflow.answer,
        AGENT,
        AnswerBody(content="x"),
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "allowed only when it is: callback",
        TicketWorkflow.rate,
        AGENT,
        RatingBody(satisfaction="satisfied", solved=True),
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "allowed only when it is: returned",
        TicketWorkflow.review_return,
        AGENT,
        ReturnReviewBody(accept=False),
    )
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "allowed only when it is: dispatched",
        TicketWorkflow.sign,
        LEAD,
        SignBody(),
    )


async def test_return_review_needs_a_different_new_lead(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.execute_update(
        TicketWorkflow.return_ticket, args=[LEAD, ReturnBody(reason="r", legal_basis="b")]
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        "needs the new 'lead'",
        TicketWorkflow.review_return,
        AGENT,
        ReturnReviewBody(accept=True),
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        "name a different lead",
        TicketWorkflow.review_return,
        AGENT,
        ReturnReviewBody(accept=True, lead="urban-management"),
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "is 'returned'",
        TicketWorkflow.request_extension,
        LEAD,
        ExtensionBody(working_days=1, reason="x"),
    )


async def test_extension_is_capped_and_must_come_before_the_deadline(tickets: Tickets) -> None:
    cap = Policy().extension_max_working_days
    handle = await signed_ticket(tickets)
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        f"at most {cap} working days",
        TicketWorkflow.request_extension,
        LEAD,
        ExtensionBody(working_days=cap + 1, reason="x"),
    )
    await handle.execute_update(
        TicketWorkflow.request_extension,
        args=[LEAD, ExtensionBody(working_days=cap - 2, reason="x")],
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "awaits the centre's extension review",
        TicketWorkflow.request_extension,
        LEAD,
        ExtensionBody(working_days=1, reason="again"),
    )
    await handle.execute_update(
        TicketWorkflow.review_extension, args=[AGENT, ExtensionReviewBody(approve=True)]
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        "2 left, 3 asked",
        TicketWorkflow.request_extension,
        LEAD,
        ExtensionBody(working_days=3, reason="more"),
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "no extension request",
        TicketWorkflow.review_extension,
        AGENT,
        ExtensionReviewBody(approve=True),
    )
    late = await signed_ticket(tickets)
    await tickets.skip(days=7, minutes=1)
    await expect_refusal(
        tickets,
        late,
        "InvalidState",
        "before the reply deadline",
        TicketWorkflow.request_extension,
        LEAD,
        ExtensionBody(working_days=1, reason="too late"),
    )


async def test_rating_refusals(tickets: Tickets) -> None:
    handle = await signed_ticket(tickets)
    await handle.execute_update(TicketWorkflow.reply, args=[LEAD, REPLY])
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "no unsatisfied rating",
        TicketWorkflow.review_rating,
        AGENT,
        RatingReviewBody(reasonable=True),
    )
    await expect_refusal(
        tickets,
        handle,
        "Forbidden",
        "role 'department' may not rating",
        TicketWorkflow.rate,
        LEAD,
        RatingBody(satisfaction="satisfied", solved=True),
    )
    await handle.execute_update(
        TicketWorkflow.rate, args=[INTEGRATOR, RatingBody(satisfaction="unsatisfied", solved=False)]
    )
    await expect_refusal(
        tickets,
        handle,
        "InvalidState",
        "already rated",
        TicketWorkflow.rate,
        AGENT,
        RatingBody(satisfaction="satisfied", solved=True),
    )


async def test_merge_into_itself_is_refused(tickets: Tickets) -> None:
    handle, view = await tickets.open_with_view()
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        "into itself",
        TicketWorkflow.merge,
        AGENT,
        MergeBody(into=view.ticket_no),
    )


async def test_dispatch_lead_cannot_also_assist(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    await expect_refusal(
        tickets,
        handle,
        "InvalidInput",
        "cannot also be assisting",
        TicketWorkflow.dispatch,
        AGENT,
        DispatchBody(lead="housing", assisting=["housing"]),
    )


async def test_refused_signal_is_recorded_and_the_workflow_goes_on(tickets: Tickets) -> None:
    handle = await tickets.open()
    await handle.signal(
        TicketWorkflow.department_reply,
        DepartmentReplySignal(
            department="housing", outcome="resolved", content="not our ticket anyway"
        ),
    )
    await handle.signal(
        TicketWorkflow.citizen_rating, RatingBody(satisfaction="satisfied", solved=True)
    )
    events = await tickets.events_once(handle, "signal_rejected", 2)
    assert (await tickets.state(handle)).status == "dispatched"
    assert [e.detail["signal"] for e in events] == ["department_reply", "citizen_rating"]
    assert "only the lead department" in events[0].detail["reason"]
    history = await handle.fetch_history()
    assert not any(e.HasField("workflow_task_failed_event_attributes") for e in history.events)
    # The ticket still works normally afterwards.
    await handle.execute_update(TicketWorkflow.sign, args=[LEAD, SignBody()])


async def test_closed_ticket_refuses_every_action(tickets: Tickets) -> None:
    handle = await tickets.open(category="unheard-of-matter")
    await handle.execute_update(TicketWorkflow.withdraw, args=[AGENT, WithdrawBody()])
    await handle.result()
    with pytest.raises(RPCError) as caught:
        await handle.execute_update(TicketWorkflow.withdraw, args=[AGENT, WithdrawBody()])
    assert caught.value.status is RPCStatusCode.NOT_FOUND
