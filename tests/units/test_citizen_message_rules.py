"""Which events tell the citizen what, when quiet hours hold a message back, and that every
text fits one SMS."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from activities.citizen_messages import messages_of
from activities.message_texts import SMS_LENGTH, TEXTS, message_text
from schema.activity_io import TicketRecord, Transition
from schema.citizen_messages import (
    CITIZEN_SUPPLEMENT_REASON,
    CitizenMessage,
    MessageKind,
    SmsPolicy,
    kind_for,
    wait_for_quiet_hours,
)
from schema.ticket import TicketStatus, TimelineEvent
from tests.support.statistics import AT, ticket
from workflows.ids import citizen_message_workflow_id


def at_city_time(hour: int, minute: int = 0) -> datetime:
    """That time of 2026-12-04 in Beijing, as UTC (Beijing is UTC+8)."""
    return datetime(2026, 12, 4, hour, minute, tzinfo=UTC) - timedelta(hours=8)


def quiet(quiet_from: time = time(21), quiet_until: time = time(8)) -> CitizenMessage:
    return CitizenMessage(
        id="A1:receipt:1",
        ticket_no="A1",
        kind=MessageKind.RECEIPT,
        seq=1,
        at=at_city_time(12),
        quiet_from=quiet_from,
        quiet_until=quiet_until,
    )


@pytest.mark.parametrize(
    ("hour", "minute", "wait"),
    [
        (12, 0, timedelta(0)),
        (20, 59, timedelta(0)),
        (21, 0, timedelta(hours=11)),
        (23, 30, timedelta(hours=8, minutes=30)),
        (7, 59, timedelta(minutes=1)),
        (8, 0, timedelta(0)),
    ],
)
def test_quiet_hours_across_midnight(hour: int, minute: int, wait: timedelta) -> None:
    assert wait_for_quiet_hours(quiet(), at_city_time(hour, minute)) == wait


def test_quiet_hours_within_a_day_and_switched_off() -> None:
    lunch = quiet(time(12), time(13, 30))
    assert wait_for_quiet_hours(lunch, at_city_time(12, 15)) == timedelta(hours=1, minutes=15)
    assert wait_for_quiet_hours(lunch, at_city_time(14)) == timedelta(0)
    assert wait_for_quiet_hours(quiet(time(0), time(0)), at_city_time(23)) == timedelta(0)


def test_the_events_that_tell_the_citizen() -> None:
    callback, handling = TicketStatus.CALLBACK, TicketStatus.HANDLING
    assert kind_for("received", TicketStatus.DISPATCHED, {}) is MessageKind.RECEIPT
    assert kind_for("replied", callback, {}) is MessageKind.CALLBACK_INVITE
    assert kind_for("answered", callback, {}) is MessageKind.CALLBACK_INVITE
    assert kind_for("closed", TicketStatus.CLOSED, {}) is MessageKind.CLOSED
    supplement = {"reason": CITIZEN_SUPPLEMENT_REASON}
    assert kind_for("suspension_approved", TicketStatus.SUSPENDED, supplement) is (
        MessageKind.SUPPLEMENT
    )
    assert kind_for("suspension_approved", TicketStatus.SUSPENDED, {"reason": "不可抗力"}) is None
    assert kind_for("progress", handling, {}) is None
    assert kind_for("signed", handling, {}) is None


def test_every_text_fits_one_sms_with_a_long_ticket_number() -> None:
    for kind in TEXTS:
        text = message_text(kind, "W20261204-0000012345", "【12345】")
        assert len(text) <= SMS_LENGTH, (kind, len(text))
        assert text.startswith("【12345】") and "W20261204-0000012345" in text


def test_the_policy_chooses_the_events_and_the_id_is_fixed_by_the_event(
    transition: Transition,
) -> None:
    everything = messages_of(transition, SmsPolicy(), "Asia/Shanghai")
    assert [m.kind for m in everything] == [MessageKind.RECEIPT]
    [receipt] = everything
    assert receipt.id == f"{transition.ticket.ticket_no}:receipt:1"
    assert citizen_message_workflow_id(receipt.id) == (
        f"ticket-{transition.ticket.ticket_no}/sms-receipt-1"
    )
    assert messages_of(transition, SmsPolicy(events=[MessageKind.CLOSED]), "Asia/Shanghai") == []


@pytest.fixture
def transition() -> Transition:
    view = ticket(1, "chengguan", status=TicketStatus.DISPATCHED.value, closure=None)
    record = TicketRecord(
        **view.model_dump(),
        version=1,
        dispatched_at=AT,
        signed_at=None,
        replied_at=None,
        reply_outcome=None,
        missed_deadlines=0,
    )
    event = TimelineEvent(seq=1, at=record.created_at, actor="agent:a", action="received")
    return Transition(ticket=record, events=[event])
