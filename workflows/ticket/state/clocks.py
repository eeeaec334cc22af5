"""A ticket's clocks: the steps with a time limit, the rungs each clock fires, which clocks
run now, when the next rung is due, whether the ticket is overdue, the deadlines that
apply, and the ladder's standing (the supervision order's tier, priority supervision).

Pure arithmetic on given instants, like the state it reads (``workflows.ticket.state``).
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from schema.escalation import EscalationKind, SupervisionTier
from schema.ladder import LEVEL
from schema.ticket import DelegationStage, TicketStatus

if TYPE_CHECKING:
    from workflows.ticket.state import TicketState


class Step(StrEnum):
    """A stage with its own time limit. Sign and reply are per hop (reset on re-dispatch)."""

    DISPATCH = "dispatch"
    SIGN = "sign"
    REPLY = "reply"
    CALLBACK = "callback"
    SUPERVISION = "supervision"  # the open supervision order's own deadline (督办件)
    LEADER = "leader_supervision"  # the deadline a leader set (领导督办)
    PART = "assisting_part"  # 协办意见: an assisting department's part, one clock each
    SUSPENDED = "suspended"  # 挂起: the longest suspension; the clocks resume by themselves
    POLICE = "police_acceptance"  # 转110: 110 accepts or hands back by then
    DELEGATED = "delegated_reply"  # 二级派单: the unit below replies up by then


class Rung(StrEnum):
    """What a clock does when one of its instants passes."""

    WARNING = "warning"  # 临期预警, escalation level 1
    REMINDER = "reminder"  # 催办 at the deadline, level 2, overdue
    SUPERVISION = "supervision"  # 督办 order after the grace period, level 3
    EXPIRY = "expiry"  # callback unanswered: closed as no_rating
    MISSED = "missed"  # a ladder deadline (supervision order, leader) passed: climb on
    RESUME = "resume"  # the longest suspension ran out: the clocks run again
    NO_ANSWER = "no_answer"  # 110 neither accepted nor handed back: the centre is told


# The rule of a reply limit set by 发回重办 (a ``deadline_rules`` value beside the policy's
# "urgency:<level>" and "lane:<name>"): the rework is under priority supervision.
REWORK_RULE = "rework"

RUNG_LEVEL = {
    Rung.WARNING: LEVEL[EscalationKind.WARNING],
    Rung.REMINDER: LEVEL[EscalationKind.REMINDER],
    Rung.SUPERVISION: LEVEL[EscalationKind.SUPERVISION_ORDER],
}

# Steps whose missed deadline makes the ticket overdue (a late callback just closes it).
OVERDUE_STEPS = frozenset({Step.DISPATCH, Step.SIGN, Step.REPLY, Step.SUPERVISION, Step.LEADER})
LADDER_STEPS = frozenset({Step.SUPERVISION, Step.LEADER})
# While a ticket is held outside the lead's hands, only this clock of it runs.
HELD_BY = {TicketStatus.SUSPENDED: Step.SUSPENDED, TicketStatus.AWAITING_110: Step.POLICE}


class StepClock(BaseModel):
    step: Step
    started_at: datetime
    due_at: datetime
    supervise_at: datetime | None = None
    # The policy rule that set the limit: "urgency:general", or a fast lane's "lane:<name>".
    rule: str | None = None
    department: str | None = None  # whose clock, when not the lead's (an assisting part)
    fired: list[Rung] = Field(default_factory=list)
    # The joint meeting whose decision set this deadline: missing it may go to discipline.
    set_by_meeting: int | None = None
    # A supervision order or leader's deadline issued because another was missed: the
    # ticket stays overdue under it, whatever its own due instant.
    follows_missed_deadline: bool = False

    def schedule(self, warning_ratio: float, jitter: int = 0) -> list[tuple[Rung, datetime]]:
        """Every rung of this clock with the instant it fires, earliest first; a warning
        and a reminder up to ``jitter`` seconds late (the policy's ``rung_jitter_seconds``)."""
        if self.step is Step.CALLBACK:
            return [(Rung.EXPIRY, self.due_at)]
        if self.step is Step.SUSPENDED:
            return [(Rung.RESUME, self.due_at)]
        if self.step is Step.POLICE:
            return [(Rung.NO_ANSWER, self.due_at)]
        if self.step is Step.DISPATCH:
            return [(Rung.REMINDER, self.due_at)]
        if self.step in LADDER_STEPS:
            return [(Rung.MISSED, self.due_at)]
        warn_at = self.started_at + (self.due_at - self.started_at) * warning_ratio
        late = self._spread(jitter)
        rungs = [(Rung.WARNING, warn_at + late), (Rung.REMINDER, self.due_at + late)]
        if self.supervise_at is not None:
            rungs.append((Rung.SUPERVISION, self.supervise_at))
        return rungs

    def pending(self, warning_ratio: float, jitter: int = 0) -> list[tuple[Rung, datetime]]:
        return [(r, at) for r, at in self.schedule(warning_ratio, jitter) if r not in self.fired]

    def _spread(self, jitter: int) -> timedelta:
        """The same offset in [0, jitter) seconds every time for this clock (its start is
        unique to the ticket to the microsecond), so replay finds the same instants."""
        if jitter <= 0:
            return timedelta(0)
        key = f"{self.step.value}:{self.department}:{self.started_at.isoformat()}"
        return timedelta(milliseconds=zlib.crc32(key.encode()) % (jitter * 1000))


# -- which clocks run, and when they ring ------------------------------------------------


def active_clocks(s: TicketState) -> list[StepClock]:
    """Clocks that run now: none while the centre reviews a return, none once closed."""
    if s.status in (TicketStatus.RETURNED, TicketStatus.CLOSED):
        return []
    held = HELD_BY.get(s.status)  # suspended, or with 110: only that clock runs
    if held is not None:
        return [c for c in s.clocks.values() if c.step is held]
    return [
        *s.clocks.values(),
        *s.part_clocks.values(),
        *s.delegation_clocks.values(),
    ]


def next_alarm(s: TicketState) -> datetime | None:
    policy = s.require_policy()
    ratio, jitter = policy.warning_ratio, policy.rung_jitter_seconds
    instants = [at for c in active_clocks(s) for _, at in c.pending(ratio, jitter)]
    return min(instants) if instants else None


def due_alarms(s: TicketState, now: datetime) -> list[tuple[StepClock, Rung]]:
    policy = s.require_policy()
    ratio, jitter = policy.warning_ratio, policy.rung_jitter_seconds
    due = [
        (at, clock, rung)
        for clock in active_clocks(s)
        for rung, at in clock.pending(ratio, jitter)
        if at <= now
    ]
    return [(clock, rung) for _, clock, rung in sorted(due, key=lambda item: item[0])]


def refresh_overdue(s: TicketState, now: datetime) -> None:
    s.overdue = any(
        c.step in OVERDUE_STEPS and (c.due_at <= now or c.follows_missed_deadline)
        for c in active_clocks(s)
    )


def deadlines(s: TicketState) -> dict[str, datetime]:
    """The due instants that apply now, by name (api.md ``deadlines``)."""
    if s.status is TicketStatus.CLOSED:
        return {}
    children = {  # the open joint meeting's decision, the referral's acknowledgement
        record.kind.value: record.due_at
        for record in s.open_escalations()
        if record.workflow_id and record.due_at
    }
    if s.status in HELD_BY:  # its own clocks stand still until it comes back
        return {**{c.step.value: c.due_at for c in active_clocks(s)}, **children}
    named = {clock.step.value: clock.due_at for clock in s.clocks.values()}
    below = s.delegations[-1] if s.delegations else None
    if below is not None and below.stage is not DelegationStage.REPLIED:
        named[Step.DELEGATED.value] = below.due_at  # what the lowest unit owes
    return {**named, **s.other_deadlines, **children}


def deadline_warnings(s: TicketState) -> dict[str, datetime]:
    """When each deadline shown now turns amber: its start plus the policy's warning_ratio
    of its span (api.md ``deadline_warnings``); a deadline without a known start has none."""
    if s.policy is None:
        return {}
    ratio = s.policy.warning_ratio
    due = deadlines(s)
    starts = {clock.step.value: clock.started_at for clock in s.clocks.values()}
    below = s.delegations[-1] if s.delegations else None
    if below is not None and below.unit in s.delegation_clocks:
        starts[Step.DELEGATED.value] = s.delegation_clocks[below.unit].started_at
    for record in s.open_escalations():
        if record.workflow_id and record.due_at:
            starts[record.kind.value] = record.raised_at
    return {
        name: start + (due[name] - start) * ratio
        for name, start in starts.items()
        if name in due and start <= due[name]
    }


# -- the ladder's standing ---------------------------------------------------------------


def under_priority_supervision(s: TicketState) -> bool:
    """发回重办: re-handled after a reasonable unsatisfied rating, until the next reply."""
    reply = s.clocks.get(Step.REPLY)
    return reply is not None and reply.rule == REWORK_RULE


def supervision_tier(s: TicketState) -> SupervisionTier | None:
    """The tier of the supervision order that stands now, if any."""
    orders = s.open_escalations(EscalationKind.SUPERVISION_ORDER)
    return orders[-1].tier if orders else None
