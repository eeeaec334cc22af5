"""A 409 says the ticket's state and what is allowed (docs/api.md, Errors): every refusal
of the ticket's rules for its state goes through one helper that names the state first."""

from __future__ import annotations

import ast
import inspect
from datetime import timedelta
from types import ModuleType
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError

from schema.action_bodies import (
    ExtensionBody,
    ExtensionReviewBody,
    RatingReviewBody,
    ReplyBody,
    ReturnBody,
    SignBody,
)
from schema.escalation import SuperviseBody
from schema.ticket import Actor
from tests.support.actors import AGENT, SUPERVISOR, department
from tests.support.effects import dispatched, due, local, run
from tests.support.source_tree import parsed_source
from workflows.refusals import RefusalType
from workflows.ticket import handling, ladder, rules
from workflows.ticket.process import BY_ACTION
from workflows.ticket.state import TicketState
from workflows.ticket.workflow import STAGES

LEAD = department("urban-management")
REPLY = ReplyBody(outcome="resolved", content="done")


def refused_for_state(action: str, state: TicketState, actor: Actor, body: Any) -> str:
    with pytest.raises(ApplicationError) as caught:
        BY_ACTION[action].check(state, actor, body, state.updated_at)
    assert caught.value.type == RefusalType.INVALID_STATE.value, caught.value.message
    return caught.value.message


def test_each_409_names_the_state_first() -> None:
    s = dispatched(local(11, 2))
    no = s.ticket_no
    assert refused_for_state("reply", s, LEAD, REPLY) == (
        f"ticket {no} is 'dispatched': sign it before replying"
    )
    message = refused_for_state("extension-review", s, AGENT, ExtensionReviewBody(approve=True))
    assert message.startswith(f"ticket {no} is 'dispatched': ")
    run(handling.sign(s, local(11, 2, 11), LEAD, SignBody(), due))
    message = refused_for_state("rating-review", s, AGENT, RatingReviewBody(reasonable=True))
    assert message.startswith(f"ticket {no} is 'handling': ")
    s.updated_at = local(11, 20)  # past the return window and the reply deadline
    for action, body in [
        ("return", ReturnBody(reason="r", legal_basis="b")),
        ("extension", ExtensionBody(working_days=1, reason="r")),
    ]:
        assert refused_for_state(action, s, LEAD, body).startswith(f"ticket {no} is 'handling': ")
    run(ladder.supervise(s, local(11, 20), SUPERVISOR, SuperviseBody(note="n"), due))
    s.updated_at += timedelta(minutes=1)
    for _ in range(3):  # blue, orange, red, then a leader
        run(ladder.supervise(s, s.updated_at, SUPERVISOR, SuperviseBody(note="n"), due))
    message = refused_for_state("supervise", s, SUPERVISOR, SuperviseBody(note="again"))
    assert message.startswith(f"ticket {no} is 'handling': ")
    assert "leader supervision" in message


def _invalid_state_callers(module: ModuleType) -> list[str]:
    tree = parsed_source(inspect.getsource(module))
    return [
        function.name
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute) and node.attr == "INVALID_STATE"
    ]


def test_the_rules_refuse_for_a_state_only_through_the_helper() -> None:
    """No 409 of the rules can forget the state: ``refuse_in_state`` is the only caller,
    in the shared rules and in every stage module's checks."""
    assert _invalid_state_callers(rules) == ["refuse_in_state"]
    for stage in STAGES:
        assert _invalid_state_callers(stage) == [], stage.__name__
