"""The hotline's figures (docs/statistics.md), per lead department and overall.

Computed from the read model: the tickets created in the period, their final state, and
the timeline events that tell which deadlines were missed. Every rate is a share in
[0, 1], or null when its denominator is empty. The formulas are spelled out once, in
``docs/statistics.md``, and here in the same words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from schema.ticket import ClosureReason, Satisfaction, TicketView

HANDLED = {ClosureReason.RATED, ClosureReason.NO_RATING}
NOT_HANDLED_HERE = {
    ClosureReason.TRANSFERRED_110,
    ClosureReason.MERGED,
    ClosureReason.REJECTED,
    ClosureReason.WITHDRAWN,
}
CONTENT = {Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
SUPERVISION_LEVEL = 3


class Weights(BaseModel):
    response: float = Field(default=0.30, ge=0)
    resolution: float = Field(default=0.35, ge=0)
    satisfaction: float = Field(default=0.35, ge=0)


@dataclass(frozen=True)
class TicketFacts:
    """One ticket as statistics see it: its final view and what its timeline says."""

    ticket: TicketView
    missed_sign: bool
    missed_reply: bool
    answered_on_the_spot: bool


class Figures(BaseModel):
    tickets: int
    handled: int
    dispatched: int
    closed: int
    overdue_now: int
    response_rate: float | None
    closure_rate: float | None
    on_time_closure_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    first_time_resolution_rate: float | None
    direct_answer_rate: float | None
    return_rate: float | None
    repeat_request_rate: float | None
    supervised_resolution_rate: float | None
    composite: float | None
    # Joint meetings the department was summoned to and did not report in to (吹哨报到).
    missed_report_ins: int = 0


class DepartmentFigures(Figures):
    department: str
    rank: int | None


class Statistics(BaseModel):
    period_from: datetime
    period_to: datetime
    weights: Weights
    overall: Figures
    departments: list[DepartmentFigures]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(facts: Iterable[TicketFacts], weights: Weights) -> Figures:
    items = list(facts)
    tickets = [f.ticket for f in items]
    # Handled here: everything except transfers to 110, merged duplicates, rejections and
    # withdrawals, which leave the hotline's hands.
    handled = [f for f in items if f.ticket.closure_reason not in NOT_HANDLED_HERE]
    dispatched = [f for f in items if f.ticket.lead_department is not None]
    closed = [f for f in handled if f.ticket.closure_reason in HANDLED]
    rated = [t.rating for t in tickets if t.rating is not None]
    scored = [
        t.rating
        for t in tickets
        if t.rating is not None
        and not t.excluded_from_score
        and t.rating.satisfaction is not Satisfaction.NO_COMMENT
    ]
    supervised = [t for t in tickets if t.escalation_level >= SUPERVISION_LEVEL and t.rating]
    response = _share(sum(not f.missed_sign for f in dispatched), len(dispatched))
    resolution = _share(sum(r.solved for r in rated), len(rated))
    satisfaction = _share(sum(r.satisfaction in CONTENT for r in scored), len(scored))
    parts = [
        (weights.response, response),
        (weights.resolution, resolution),
        (weights.satisfaction, satisfaction),
    ]
    # The weighted composite needs all three rates; the weights need not add up to 1.
    total_weight = sum(weight for weight, _ in parts)
    known = [(weight, value) for weight, value in parts if value is not None]
    composite = (
        round(sum(weight * value for weight, value in known) / total_weight, 4)
        if total_weight and len(known) == len(parts)
        else None
    )
    return Figures(
        tickets=len(items),
        handled=len(handled),
        dispatched=len(dispatched),
        closed=len(closed),
        overdue_now=sum(t.overdue for t in tickets),
        response_rate=response,
        closure_rate=_share(len(closed), len(handled)),
        on_time_closure_rate=_share(sum(not f.missed_reply for f in closed), len(handled)),
        resolution_rate=resolution,
        satisfaction_rate=satisfaction,
        first_time_resolution_rate=_share(
            sum(
                f.ticket.return_count == 0
                and f.ticket.rework_count == 0
                and f.ticket.escalation_level < SUPERVISION_LEVEL
                for f in closed
            ),
            len(closed),
        ),
        direct_answer_rate=_share(sum(f.answered_on_the_spot for f in handled), len(handled)),
        return_rate=_share(sum(f.ticket.return_count > 0 for f in dispatched), len(dispatched)),
        repeat_request_rate=_share(
            sum(t.closure_reason is ClosureReason.MERGED for t in tickets), len(tickets)
        ),
        supervised_resolution_rate=_share(
            sum(bool(t.rating and t.rating.solved) for t in supervised), len(supervised)
        ),
        composite=composite,
    )


def statistics(
    facts: Iterable[TicketFacts],
    *,
    period_from: datetime,
    period_to: datetime,
    weights: Weights,
    missed_report_ins: Mapping[str, int] | None = None,
) -> Statistics:
    """``missed_report_ins``: per department, the joint meetings of the period it was
    summoned to and did not report in to; a department with only those is listed too."""
    items = list(facts)
    absences = dict(missed_report_ins or {})
    by_department: dict[str, list[TicketFacts]] = defaultdict(list)
    for code in absences:
        by_department[code] = []
    for fact in items:
        if fact.ticket.lead_department is not None:
            by_department[fact.ticket.lead_department].append(fact)
    departments = [
        DepartmentFigures(
            department=code,
            rank=None,
            **figures(group, weights).model_dump(exclude={"missed_report_ins"}),
            missed_report_ins=absences.get(code, 0),
        )
        for code, group in sorted(by_department.items())
    ]
    ranked = sorted(
        (d for d in departments if d.composite is not None),
        key=lambda d: (-(d.composite or 0.0), d.department),
    )
    for position, department in enumerate(ranked, start=1):
        department.rank = position
    departments.sort(key=lambda d: (d.rank is None, d.rank or 0, d.department))
    return Statistics(
        period_from=period_from,
        period_to=period_to,
        weights=weights,
        overall=figures(items, weights).model_copy(
            update={"missed_report_ins": sum(absences.values())}
        ),
        departments=departments,
    )
