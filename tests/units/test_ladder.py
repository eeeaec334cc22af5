"""The ladder table is the one place for a rung's level: the levels climb in the order of
the rungs, every kind has one, the supervision order alone has tiers, and what the
workflow's clocks raise stands at the table's levels."""

from __future__ import annotations

from schema.escalation import EscalationKind, SupervisionTier
from schema.ladder import LADDER, LEADER_LEVEL, LEVEL, SUPERVISION_LEVEL, TOP_LEVEL, rungs_shown
from workflows.ticket.state import RUNG_LEVEL, Rung


def test_every_kind_has_one_rung_and_the_levels_climb() -> None:
    assert [rung.kind for rung in LADDER] == list(EscalationKind)
    levels = [rung.level for rung in LADDER]
    assert levels == sorted(levels) and levels[0] == 1 and TOP_LEVEL == 6
    assert (SUPERVISION_LEVEL, LEADER_LEVEL) == (3, 4)
    assert LEVEL[EscalationKind.MISSED_REPORT_IN] == LEVEL[EscalationKind.JOINT_MEETING]


def test_only_the_supervision_order_is_tiered_and_the_board_shows_each_tier() -> None:
    tiered = [rung.kind for rung in LADDER if rung.tiers]
    assert tiered == [EscalationKind.SUPERVISION_ORDER]
    shown = rungs_shown()
    assert shown[2:5] == [(EscalationKind.SUPERVISION_ORDER, t) for t in SupervisionTier]
    assert len(shown) == 8 and (EscalationKind.MISSED_REPORT_IN, None) not in shown


def test_the_clocks_raise_rungs_at_the_tables_levels() -> None:
    assert {
        Rung.WARNING: LEVEL[EscalationKind.WARNING],
        Rung.REMINDER: LEVEL[EscalationKind.REMINDER],
        Rung.SUPERVISION: SUPERVISION_LEVEL,
    } == RUNG_LEVEL
    assert list(RUNG_LEVEL.values()) == [1, 2, 3]
