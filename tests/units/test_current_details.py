"""The line the Temporal UI shows for where a ticket stands: Chinese, city time, the
ladder — and nothing of the citizen."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.policy import Policy
from schema.ticket import TicketCreate, TicketStatus
from tests.support.data import intake_json
from workflows.ticket.details import current_details
from workflows.ticket.state import TicketState
from workflows.ticket.state.clocks import Step, StepClock


def _ticket() -> TicketState:
    now = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    return TicketState(
        ticket_no="T-1",
        intake=TicketCreate(**intake_json()),
        created_by="agent:a",
        created_at=now,
        updated_at=now,
        policy=Policy(),
    )


def test_it_says_what_the_ticket_waits_for_and_by_when_in_city_time() -> None:
    s = _ticket()
    s.status = TicketStatus.DISPATCHED
    due = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)  # 14:00 in Beijing time
    s.clocks[Step.SIGN] = StepClock(step=Step.SIGN, started_at=s.created_at, due_at=due)
    assert current_details(s) == "待签收 · 截止 12-02 14:00"


def test_it_names_the_overdue_and_the_ladder() -> None:
    s = _ticket()
    s.status = TicketStatus.HANDLING
    due = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    s.clocks[Step.REPLY] = StepClock(step=Step.REPLY, started_at=s.created_at, due_at=due)
    s.overdue, s.escalation_level = True, 2
    assert current_details(s) == "办理中 · 截止 12-03 17:30 · 已超期 · 督办二级"


def test_it_carries_no_personal_data() -> None:
    s = _ticket()
    line = current_details(s)
    assert line == "待派单"
    citizen = s.intake.citizen
    assert citizen.phone not in line and (citizen.name or "") not in line
