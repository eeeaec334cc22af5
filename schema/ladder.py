"""The escalation ladder (督办体系) as one table: each rung's kind, level, tiers and what
raises it. The workflow, the API's filters, statistics, reports and the pages read their
levels and rungs here instead of repeating numbers. Pure: workflows import it.

A ticket's ``escalation_level`` is the highest level any of the lead's rungs has reached
(another unit's own clock — an assisting part, a unit below — climbs rungs of its own).
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.escalation import EscalationKind, SupervisionTier


@dataclass(frozen=True)
class LadderRung:
    kind: EscalationKind
    level: int
    name_zh: str
    raised_when: str
    tiers: tuple[SupervisionTier, ...] = ()


LADDER = (
    LadderRung(EscalationKind.WARNING, 1, "临期预警", "a step has used the policy's warning_ratio"),
    LadderRung(
        EscalationKind.REMINDER, 2, "催办", "a step's deadline passes: the ticket is overdue"
    ),
    LadderRung(
        EscalationKind.SUPERVISION_ORDER,
        3,
        "督办件",
        "supervision_grace after a missed deadline, or a supervisor; each missed order is "
        "reissued a tier harder",
        tiers=tuple(SupervisionTier),
    ),
    LadderRung(
        EscalationKind.LEADER_SUPERVISION,
        4,
        "领导督办",
        "the red order is missed, the dispatch meeting assigns it, or a supervisor",
    ),
    LadderRung(
        EscalationKind.JOINT_MEETING,
        5,
        "联席会议",
        "leader supervision is missed, or a supervisor, agent or township lead convenes",
    ),
    LadderRung(
        EscalationKind.MISSED_REPORT_IN,
        5,
        "未按时报到",
        "a department summoned to a joint meeting does not report in",
    ),
    LadderRung(
        EscalationKind.DISCIPLINE_REFERRAL,
        6,
        "移送纪委监委",
        "a joint meeting reaches no decision, its deadline is missed, or a supervisor",
    ),
)

LEVEL = {rung.kind: rung.level for rung in LADDER}
TOP_LEVEL = max(LEVEL.values())
# Levels other code asks about by name.
SUPERVISION_LEVEL = LEVEL[EscalationKind.SUPERVISION_ORDER]  # "supervised" in statistics
LEADER_LEVEL = LEVEL[EscalationKind.LEADER_SUPERVISION]  # the dispatch meeting's ceiling


def rungs_shown() -> list[tuple[EscalationKind, SupervisionTier | None]]:
    """Each rung a ticket can stand on, a supervision order once per tier (the board's rows);
    a missed report-in is a mark against a department, not a rung a ticket stands on."""
    return [
        (rung.kind, tier)
        for rung in LADDER
        if rung.kind is not EscalationKind.MISSED_REPORT_IN
        for tier in (rung.tiers or (None,))
    ]
