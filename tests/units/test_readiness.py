"""The panel offers what the workflow's checks would take now: one function for both."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.action_bodies import ExtensionBody, SignBody
from tests.support.actors import AGENT, department
from tests.support.effects import dispatched, due, run
from workflows.refusals import Reason, Said
from workflows.ticket import extension, handling
from workflows.ticket.readiness import applies, not_now
from workflows.ticket.state.projections import view

LEAD = department("urban-management")
NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)


def test_the_review_of_an_extension_is_offered_only_while_one_is_asked() -> None:
    s = dispatched(NOW)
    run(handling.sign(s, NOW, LEAD, SignBody(), due))
    assert not applies("extension-review", AGENT, view(s))
    assert applies("extension", LEAD, view(s)) and applies("progress", LEAD, view(s))
    asked = ExtensionBody(working_days=2, reason="等待检测结果")
    run(extension.request_extension(s, NOW, LEAD, asked, due))
    assert applies("extension-review", AGENT, view(s))
    assert not applies("extension", LEAD, view(s)) and not applies("reply", LEAD, view(s))
    assert not_now("suspension-review", s) == Said(
        "it has no suspension request", Reason.NO_SUSPENSION_REQUEST
    )


def test_before_the_signature_only_the_signature_and_its_side_paths() -> None:
    s = dispatched(NOW)
    assert applies("sign", LEAD, view(s))
    assert not applies("progress", LEAD, view(s))
    run(handling.sign(s, NOW, LEAD, SignBody(), due))
    assert not applies("sign", LEAD, view(s)) and applies("progress", LEAD, view(s))
