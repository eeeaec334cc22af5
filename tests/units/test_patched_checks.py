"""A patch that made a check stricter: the handler's second check lets through, on replay,
what the old check accepted, and asks the patch only where the two disagree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError

from schema.action_bodies import SignBody, SuspensionBody
from tests.support.actors import department
from tests.support.effects import SHANGHAI, dispatched, due, run
from workflows.ticket import handling, legacy
from workflows.ticket.legacy import user_dates_are_city_dates as before_city_dates
from workflows.ticket.state import TicketState

LEAD = department("urban-management")
NIGHT = datetime(2026, 3, 10, 2, tzinfo=SHANGHAI).astimezone(UTC)  # 18:00 UTC on the 9th
YESTERDAY = SuspensionBody(reason="等待市民补充材料", expected_resume=NIGHT.date())


def handling_at_night() -> TicketState:
    s = dispatched(NIGHT - timedelta(hours=1))
    run(handling.sign(s, NIGHT, LEAD, SignBody(), due))
    return s


def asked(monkeypatch: pytest.MonkeyPatch, answer: bool) -> list[str]:
    patches: list[str] = []

    def patched(patch: str) -> bool:
        patches.append(patch)
        return answer

    monkeypatch.setattr(legacy.workflow, "patched", patched)
    return patches


def test_a_recorded_suspension_the_utc_date_let_through_replays_as_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    patches = asked(monkeypatch, answer=False)  # a history from before the patch
    legacy.recheck("suspend", handling_at_night(), LEAD, YESTERDAY, NIGHT)
    assert patches == [before_city_dates.PATCH]


def test_since_the_patch_yesterday_in_the_city_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked(monkeypatch, answer=True)
    with pytest.raises(ApplicationError, match="in the past"):
        legacy.recheck("suspend", handling_at_night(), LEAD, YESTERDAY, NIGHT)


def test_the_patch_is_not_asked_where_both_checks_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    patches = asked(monkeypatch, answer=True)
    s = handling_at_night()
    today = YESTERDAY.model_copy(update={"expected_resume": NIGHT.astimezone(SHANGHAI).date()})
    legacy.recheck("suspend", s, LEAD, today, NIGHT)
    older = YESTERDAY.model_copy(update={"expected_resume": NIGHT.date() - timedelta(days=1)})
    with pytest.raises(ApplicationError, match="in the past"):
        legacy.recheck("suspend", s, LEAD, older, NIGHT)
    assert patches == []
