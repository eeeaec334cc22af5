"""The drill policy shipped in docs/policies/: a whole ladder climbs in minutes."""

from __future__ import annotations

from pathlib import Path

from schema.ladder import TOP_LEVEL
from schema.policy import SpanUnit, parse_span
from schema.policy_file import read_policy
from tests.support.policy import PolicyFile
from tests.support.tickets import Tickets

DRILL = Path(__file__).parents[2] / "docs" / "policies" / "drill.toml"


def test_every_limit_of_the_drill_is_minutes_of_natural_time() -> None:
    drill = read_policy(DRILL)
    spans = [
        drill.return_window,
        drill.callback,
        drill.rework,
        drill.police_acceptance,
        drill.assist_part,
        drill.supervision_grace,
        drill.supervision_order,
        drill.suspension.longest,
        drill.escalation.leader_supervision,
        drill.escalation.report_in,
        drill.escalation.meeting_decision,
        drill.escalation.discipline_acknowledge,
        *(
            getattr(getattr(drill, step), urgency)
            for step in ("dispatch", "sign", "reply")
            for urgency in ("emergency", "utility", "general", "complex")
        ),
    ]
    for span in spans:
        amount, unit = parse_span(span)
        assert unit is SpanUnit.MINUTES and amount <= 10, span
    assert drill.escalation.convene_meeting_automatically
    assert drill.escalation.refer_to_discipline_automatically


async def test_a_ticket_under_the_drill_reaches_the_discipline_commission_in_minutes(
    tickets: Tickets, policy: PolicyFile
) -> None:
    policy.write(DRILL.read_text())
    handle, _ = await tickets.open_with_view()  # dispatched; nobody signs
    levels = []
    for _ in range(135):  # 20 s at a time: the warning stands only 24 s
        await tickets.skip(seconds=20)
        levels.append((await tickets.state(handle)).escalation_level)
        if levels[-1] == TOP_LEVEL:
            break
    assert levels[-1] == TOP_LEVEL, levels  # referred within three quarters of an hour
    assert levels == sorted(levels), levels  # one rung after another, never down
    assert set(levels) >= {1, 2, 3, 4, 5, 6}, levels
