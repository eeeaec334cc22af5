"""The sets each ticket is counted in (docs/statistics.md), and which of them one ticket is
in. Plain data and a pure function, so the read model's tables, the figures and the
workflows' own summaries all count a ticket alike."""

from __future__ import annotations

import math
from dataclasses import dataclass

from schema.ladder import SUPERVISION_LEVEL
from schema.ticket import ClosureReason, Satisfaction, TicketView

HANDLED = {ClosureReason.RATED, ClosureReason.NO_RATING}
NOT_HANDLED_HERE = {
    ClosureReason.TRANSFERRED_110,
    ClosureReason.MERGED,
    ClosureReason.REJECTED,
    ClosureReason.WITHDRAWN,
}
CONTENT = {Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED}
# Who records a rating the citizen gave themself (services.sms_replies, services.citizen_page).
CITIZEN_RATERS = frozenset({"integrator:sms-reply", "integrator:citizen-page"})


@dataclass(frozen=True)
class TicketFacts:
    """One ticket as statistics see it: its final view and what its timeline says."""

    ticket: TicketView
    missed_sign: bool
    missed_reply: bool
    answered_on_the_spot: bool


@dataclass(frozen=True)
class Counts:
    """The sets of docs/statistics.md, counted: one ticket's (each 0 or 1) or a group's (the
    sum). The read model keeps every ticket's counts (``ticket_figures``), so a period's
    figures are sums the database adds up; the rates come from the sums here, once."""

    tickets: int = 0
    handled: int = 0
    dispatched: int = 0
    closed: int = 0
    overdue_now: int = 0
    responded: int = 0  # dispatched, sign deadline never missed
    closed_on_time: int = 0  # closed, reply deadline never missed
    rated: int = 0
    solved: int = 0  # rated, the citizen says solved
    scored: int = 0
    content: int = 0  # scored, satisfied or basically satisfied
    first_time: int = 0  # closed, never returned, reworked or supervised
    answered: int = 0  # handled, answered on the spot
    returned: int = 0  # dispatched, returned at least once
    merged: int = 0
    supervised: int = 0
    supervised_solved: int = 0
    suspended: int = 0  # dispatched, suspended (挂起) at least once
    suspended_days: int = 0  # whole days the clocks stood still (a group's: the sum)
    reopened: int = 0  # reopens a ticket closed not long ago (重新受理): a repeat request
    handed_back: int = 0  # transferred to 110 and handed back as no police matter (110退回)
    reworked: int = 0  # scored after being sent back for rework (发回重办) at least once
    reworked_content: int = 0  # reworked, and then satisfied or basically satisfied
    # 智能回访: scored by the citizen themself (an SMS reply, their own page), not an agent.
    self_scored: int = 0
    self_content: int = 0  # self_scored, and satisfied or basically satisfied

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{k: getattr(self, k) + getattr(other, k) for k in COUNTED})


COUNTED = tuple(Counts.__dataclass_fields__)


def ticket_counts(
    *,
    lead_department: str | None,
    closure_reason: str | None,
    overdue: bool,
    escalation_level: int,
    return_count: int,
    rework_count: int,
    satisfaction: str | None,
    solved: bool,
    excluded_from_score: bool,
    missed_sign: bool,
    missed_reply: bool,
    answered_on_the_spot: bool,
    suspension_count: int = 0,
    suspended_seconds: int = 0,
    reopens: bool = False,
    handed_back_by_110: int = 0,
    rated_by: str | None = None,
) -> Counts:
    """Which sets one ticket is in. ``satisfaction`` None: not rated. Plain values, so that
    a ticket's stored document (or its view) can be counted alike."""
    handled = closure_reason not in NOT_HANDLED_HERE
    dispatched = lead_department is not None
    closed = handled and closure_reason in HANDLED
    rated = satisfaction is not None
    scored = rated and not excluded_from_score and satisfaction != Satisfaction.NO_COMMENT
    supervised = rated and escalation_level >= SUPERVISION_LEVEL
    by_citizen = scored and rated_by in CITIZEN_RATERS
    return Counts(
        tickets=1,
        handled=int(handled),
        dispatched=int(dispatched),
        closed=int(closed),
        overdue_now=int(overdue),
        responded=int(dispatched and not missed_sign),
        closed_on_time=int(closed and not missed_reply),
        rated=int(rated),
        solved=int(rated and solved),
        scored=int(scored),
        content=int(scored and satisfaction in CONTENT),
        first_time=int(
            closed
            and return_count == 0
            and rework_count == 0
            and escalation_level < SUPERVISION_LEVEL
        ),
        answered=int(handled and answered_on_the_spot),
        returned=int(dispatched and return_count > 0),
        merged=int(closure_reason == ClosureReason.MERGED),
        supervised=int(supervised),
        supervised_solved=int(supervised and solved),
        suspended=int(dispatched and suspension_count > 0),
        suspended_days=math.ceil(suspended_seconds / 86400),
        reopened=int(reopens),
        handed_back=int(handed_back_by_110 > 0),
        reworked=int(scored and rework_count > 0),
        reworked_content=int(scored and rework_count > 0 and satisfaction in CONTENT),
        self_scored=int(by_citizen),
        self_content=int(by_citizen and satisfaction in CONTENT),
    )


def facts_counts(fact: TicketFacts) -> Counts:
    t = fact.ticket
    return ticket_counts(
        lead_department=t.lead_department,
        closure_reason=t.closure_reason,
        overdue=t.overdue,
        escalation_level=t.escalation_level,
        return_count=t.return_count,
        rework_count=t.rework_count,
        satisfaction=t.rating.satisfaction if t.rating else None,
        solved=bool(t.rating and t.rating.solved),
        excluded_from_score=t.excluded_from_score,
        missed_sign=fact.missed_sign,
        missed_reply=fact.missed_reply,
        answered_on_the_spot=fact.answered_on_the_spot,
        suspension_count=t.suspension_count,
        suspended_seconds=t.suspended_seconds,
        reopens=t.reopens is not None,
        handed_back_by_110=t.handed_back_by_110,
        rated_by=t.rating.rated_by if t.rating else None,
    )
