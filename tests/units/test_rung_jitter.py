"""A policy's rung jitter spreads warnings and reminders of deadlines that fall together,
the same way on every replay, and never moves a deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from workflows.ticket.state.clocks import Rung, Step, StepClock

DUE = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)  # 17:30 in Beijing: a working day's end


def _clocks(n: int) -> list[StepClock]:
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    return [
        StepClock(step=Step.REPLY, started_at=start + timedelta(microseconds=i), due_at=DUE)
        for i in range(n)
    ]


def test_without_jitter_every_reminder_rings_at_the_deadline() -> None:
    assert {dict(c.schedule(0.8))[Rung.REMINDER] for c in _clocks(50)} == {DUE}


def test_jitter_spreads_reminders_over_the_minute_after_the_deadline() -> None:
    clocks = _clocks(2000)
    reminders = [dict(c.schedule(0.8, 60))[Rung.REMINDER] for c in clocks]
    assert all(DUE <= at < DUE + timedelta(seconds=60) for at in reminders)
    per_second = {int((at - DUE).total_seconds()) for at in reminders}
    assert len(per_second) == 60  # every second of the minute takes some
    assert all(c.due_at == DUE for c in clocks)  # the deadline itself stays
    again = [dict(c.schedule(0.8, 60))[Rung.REMINDER] for c in clocks]
    assert again == reminders  # what a replay computes


def test_a_warning_moves_with_its_reminder() -> None:
    (clock,) = _clocks(1)
    plain, spread = dict(clock.schedule(0.8)), dict(clock.schedule(0.8, 60))
    late = spread[Rung.REMINDER] - plain[Rung.REMINDER]
    assert spread[Rung.WARNING] - plain[Rung.WARNING] == late
