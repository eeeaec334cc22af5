"""The hotline's figures (docs/statistics.md), per lead department and overall.

Computed from the read model: the tickets created in the period, their final state, and
the timeline events that tell which deadlines were missed. Every rate is a share in
[0, 1], or null when its denominator is empty. The formulas are spelled out once, in
``docs/statistics.md``, and here in the same words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime

from pydantic import BaseModel, Field

from figures.message_facts import MessageFigures
from schema.counts import Counts, TicketFacts, facts_counts

MAX_WEIGHT = 100.0  # a composite's weight: far above any real one, far below an overflow


class Weights(BaseModel):
    response: float = Field(default=0.30, ge=0, le=MAX_WEIGHT)
    resolution: float = Field(default=0.35, ge=0, le=MAX_WEIGHT)
    satisfaction: float = Field(default=0.35, ge=0, le=MAX_WEIGHT)


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
    # 挂起: suspended tickets ÷ dispatched, and the days their clocks stood still. The
    # on-time figures already leave suspended time out; these keep it in sight.
    suspension_rate: float | None = None
    suspended_days: int = 0
    handed_back_by_110: int = 0  # tickets 110 handed back as no police matter
    # 发回重办: unsatisfied ratings sent back whose rating after the rework is content, and
    # their share of the reworked tickets scored.
    reworked_to_satisfied: int = 0
    rework_satisfaction_rate: float | None = None
    # 智能回访 apart from the agents' callbacks: the ratings the citizens gave themselves
    # (SMS reply, their page), and the satisfaction rate of each way.
    self_rated: int = 0
    self_satisfaction_rate: float | None = None
    agent_satisfaction_rate: float | None = None
    composite: float | None
    # Joint meetings the department was summoned to and did not report in to (吹哨报到).
    missed_report_ins: int = 0


class DepartmentFigures(Figures):
    department: str
    rank: int | None


class UnitFigures(Figures):
    """A unit with units under it (二级派单's hierarchy): the tickets it and they led."""

    department: str
    units: list[str]  # the units under it whose tickets are counted in, at any depth


class Statistics(BaseModel):
    period_from: datetime
    period_to: datetime
    weights: Weights
    overall: Figures
    departments: list[DepartmentFigures]
    # Every unit that has units under it, its figures rolled up over them (not ranked).
    rolled_up: list[UnitFigures] = Field(default_factory=list)
    # The citizen's SMS queued in the period, per kind: how many reached the handset.
    messages: list[MessageFigures] = Field(default_factory=list)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def rates(c: Counts, weights: Weights) -> Figures:
    """The figures of docs/statistics.md from a group's counts."""
    response = _share(c.responded, c.dispatched)
    resolution = _share(c.solved, c.rated)
    satisfaction = _share(c.content, c.scored)
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
        tickets=c.tickets,
        handled=c.handled,
        dispatched=c.dispatched,
        closed=c.closed,
        overdue_now=c.overdue_now,
        response_rate=response,
        closure_rate=_share(c.closed, c.handled),
        on_time_closure_rate=_share(c.closed_on_time, c.handled),
        resolution_rate=resolution,
        satisfaction_rate=satisfaction,
        first_time_resolution_rate=_share(c.first_time, c.closed),
        direct_answer_rate=_share(c.answered, c.handled),
        return_rate=_share(c.returned, c.dispatched),
        repeat_request_rate=_share(c.merged + c.reopened, c.tickets),
        suspension_rate=_share(c.suspended, c.dispatched),
        suspended_days=c.suspended_days,
        handed_back_by_110=c.handed_back,
        reworked_to_satisfied=c.reworked_content,
        rework_satisfaction_rate=_share(c.reworked_content, c.reworked),
        self_rated=c.self_scored,
        self_satisfaction_rate=_share(c.self_content, c.self_scored),
        agent_satisfaction_rate=_share(c.content - c.self_content, c.scored - c.self_scored),
        supervised_resolution_rate=_share(c.supervised_solved, c.supervised),
        composite=composite,
    )


def statistics(
    facts: Iterable[TicketFacts],
    *,
    period_from: datetime,
    period_to: datetime,
    weights: Weights,
    missed_report_ins: Mapping[str, int] | None = None,
    parents: Mapping[str, str | None] | None = None,
) -> Statistics:
    """The figures of ticket facts in memory (tests, small sets): counted, then ranked."""
    by_department: dict[str | None, Counts] = defaultdict(Counts)
    for fact in facts:
        by_department[fact.ticket.lead_department] += facts_counts(fact)
    return ranked_statistics(
        by_department,
        period_from=period_from,
        period_to=period_to,
        weights=weights,
        missed_report_ins=missed_report_ins,
        parents=parents,
    )


def ranked_statistics(
    by_department: Mapping[str | None, Counts],
    *,
    period_from: datetime,
    period_to: datetime,
    weights: Weights,
    missed_report_ins: Mapping[str, int] | None = None,
    parents: Mapping[str, str | None] | None = None,
) -> Statistics:
    """Every lead department's figures and rank, and the city's (the sum of them: every
    ticket without a lead counts for the city only, under the key ``None``).

    ``missed_report_ins``: per department, the joint meetings of the period it was
    summoned to and did not report in to; a department with only these is listed too.
    ``parents``: each unit's parent, for the figures rolled up the hierarchy."""
    absences = dict(missed_report_ins or {})
    overall = sum(by_department.values(), Counts())
    groups: dict[str, Counts] = {
        code: counts for code, counts in by_department.items() if code is not None
    }
    for code in absences:
        groups.setdefault(code, Counts())
    departments = [
        DepartmentFigures(
            department=code,
            rank=None,
            **rates(counts, weights).model_dump(exclude={"missed_report_ins"}),
            missed_report_ins=absences.get(code, 0),
        )
        for code, counts in sorted(groups.items())
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
        overall=rates(overall, weights).model_copy(
            update={"missed_report_ins": sum(absences.values())}
        ),
        departments=departments,
        rolled_up=rolled_up(groups, absences, parents or {}, weights),
    )


def rolled_up(
    groups: Mapping[str, Counts],
    absences: Mapping[str, int],
    parents: Mapping[str, str | None],
    weights: Weights,
) -> list[UnitFigures]:
    """Each unit's counts added to every unit above it: a district government's figures
    take in its streets' and their communities'."""
    totals: dict[str, Counts] = defaultdict(Counts)
    missed: dict[str, int] = defaultdict(int)
    below: dict[str, list[str]] = defaultdict(list)
    for code in parents:
        seen: set[str] = {code}
        above = parents.get(code)
        while above is not None and above not in seen:  # a cycle (refused anyway) stops
            seen.add(above)
            below[above].append(code)
            totals[above] += groups.get(code, Counts())
            missed[above] += absences.get(code, 0)
            above = parents.get(above)
    return [
        UnitFigures(
            department=code,
            units=sorted(below[code]),
            **rates(totals[code] + groups.get(code, Counts()), weights).model_dump(
                exclude={"missed_report_ins"}
            ),
            missed_report_ins=missed[code] + absences.get(code, 0),
        )
        for code in sorted(below)
    ]
