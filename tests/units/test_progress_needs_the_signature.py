"""阶段性答复 follows 签收 since "progress-needs-the-signature": a report before the
signature is refused, and one recorded before the patch replays as accepted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.exceptions import ApplicationError

from schema.action_bodies import ProgressBody, SignBody
from tests.support.actors import department
from tests.support.effects import dispatched, due, run
from workflows.ticket import handling, legacy
from workflows.ticket.legacy import progress_needs_the_signature as before_signed_progress

LEAD = department("urban-management")
NOW = datetime(2026, 3, 10, 9, tzinfo=UTC)
REPORT = ProgressBody(content="已到现场查看")


def asked(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    patches: list[str] = []

    def patched(patch: str) -> bool:
        patches.append(patch)
        return answer

    monkeypatch.setattr(legacy.workflow, "patched", patched)
    return patches


def test_a_report_before_the_signature_is_refused() -> None:
    with pytest.raises(ApplicationError, match="has not signed for it yet") as refused:
        handling.check_progress(dispatched(NOW), LEAD, REPORT, NOW)
    assert refused.value.type == "InvalidState"


def test_a_report_after_the_signature_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    patches = asked(monkeypatch, answer=True)
    s = dispatched(NOW)
    run(handling.sign(s, NOW, LEAD, SignBody(), due))
    handling.check_progress(s, LEAD, REPORT, NOW)
    legacy.recheck("progress", s, LEAD, REPORT, NOW)
    assert patches == []  # both checks agree: no marker


def test_a_recorded_report_before_the_signature_replays_as_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patches = asked(monkeypatch, answer=False)  # a history from before the patch
    legacy.recheck("progress", dispatched(NOW), LEAD, REPORT, NOW)
    assert patches == [before_signed_progress.PATCH]


def test_since_the_patch_the_recheck_refuses_it_too(monkeypatch: pytest.MonkeyPatch) -> None:
    asked(monkeypatch, answer=True)
    with pytest.raises(ApplicationError, match="has not signed for it yet"):
        legacy.recheck("progress", dispatched(NOW), LEAD, REPORT, NOW)
