"""The deadline policy: every time limit of the hotline process, as data.

A city edits a TOML file (named by ``HOTLINE_POLICY``); anything it leaves out takes
the defaults below, which are the numbers of ``docs/domain.md``. Durations carry a
unit: ``s``, ``m``, ``h``, ``d`` run around the clock; ``wd`` counts working days on
the Chinese public-holiday calendar.

This module is pure (no I/O, no clock) so workflows may import it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from schema.attachments import EvidencePolicy
from schema.citizen_messages import SmsPolicy
from schema.knowledge import KnowledgePolicy
from schema.ticket import TicketCreate, TicketType, Urgency

_SPAN_PATTERN = re.compile(r"^\s*(\d+)\s*(wd|s|m|h|d)\s*$")


class SpanUnit(StrEnum):
    SECONDS = "s"
    MINUTES = "m"
    HOURS = "h"
    DAYS = "d"
    WORKING_DAYS = "wd"


_NATURAL_UNIT = {
    SpanUnit.SECONDS: timedelta(seconds=1),
    SpanUnit.MINUTES: timedelta(minutes=1),
    SpanUnit.HOURS: timedelta(hours=1),
    SpanUnit.DAYS: timedelta(days=1),
}


def parse_span(text: str) -> tuple[int, SpanUnit]:
    """Split ``"2wd"`` into ``(2, SpanUnit.WORKING_DAYS)``; raise ValueError if malformed."""
    match = _SPAN_PATTERN.match(text)
    if not match:
        raise ValueError(
            f"{text!r} is not a duration: write a whole number and a unit "
            "(s, m, h, d or wd), e.g. '30m', '7d', '2wd'"
        )
    return int(match.group(1)), SpanUnit(match.group(2))


def natural_timedelta(text: str) -> timedelta | None:
    """The span as a timedelta, or None when it counts working days."""
    amount, unit = parse_span(text)
    if unit is SpanUnit.WORKING_DAYS:
        return None
    return amount * _NATURAL_UNIT[unit]


def _check_span(text: str) -> str:
    parse_span(text)
    return text.strip()


Span = Annotated[str, AfterValidator(_check_span)]


def _natural(text: str) -> str:
    if natural_timedelta(text) is None:
        raise ValueError(f"{text!r} counts working days; give this one in s, m, h or d")
    return text


"""A duration with its unit, kept as written (``"7d"``, ``"2wd"``) so history shows it."""


class ByUrgency(BaseModel):
    """One limit per urgency level (Beijing's scale)."""

    model_config = ConfigDict(extra="forbid")

    emergency: Span
    utility: Span
    general: Span
    complex: Span

    def for_urgency(self, urgency: Urgency) -> str:
        return str(getattr(self, urgency.value))


class CalendarOverrides(BaseModel):
    """Days the operator declares, on top of the published holiday calendar.

    Used when the State Council publishes next year's holidays before the calendar
    library knows them, or for a local holiday.
    """

    model_config = ConfigDict(extra="forbid")

    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)


class Lane(BaseModel):
    """A fast lane (快速通道, e.g. 涉企 "三速"): limits for the requests it matches, above the
    per-urgency defaults. It matches when every criterion it names matches the intake."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=60)
    type: TicketType | None = None
    category: str | None = None
    enterprise: bool | None = None
    sign: Span | None = None
    reply: Span | None = None

    @model_validator(mode="after")
    def _names_a_criterion_and_a_limit(self) -> Lane:
        if self.type is None and self.category is None and self.enterprise is None:
            raise ValueError(
                f"lane {self.name!r} matches nothing: name a type, category or enterprise"
            )
        if self.sign is None and self.reply is None:
            raise ValueError(f"lane {self.name!r} sets no limit: give 'sign' or 'reply'")
        return self

    def matches(self, intake: TicketCreate, category_chain: Sequence[str] = ()) -> bool:
        """``category_chain``: the intake's category and the groups above it; a lane on a
        group (``0101``) matches every category below it."""
        return (
            (self.type is None or self.type is intake.type)
            and (
                self.category is None
                or self.category == intake.category
                or self.category in category_chain
            )
            and (self.enterprise is None or self.enterprise == intake.enterprise)
        )


class SuspensionPolicy(BaseModel):
    """挂起 / 中止办理: why a lead may stop the clock, and for how long at most."""

    model_config = ConfigDict(extra="forbid")

    reasons: list[str] = Field(
        default_factory=lambda: [
            "等待市民补充材料",  # waiting for the citizen's materials
            "涉及诉讼、仲裁等法定程序",  # a pending court or arbitration case
            "不可抗力",  # force majeure
        ],
        min_length=1,
    )
    # The clocks resume by themselves once a suspension has lasted this long.
    longest: Span = "30d"


class EscalationPolicy(BaseModel):
    """Limits and switches of the ladder above the supervision order (domain.md, 督办)."""

    model_config = ConfigDict(extra="forbid")

    # Missing a red supervision order puts the ticket under a leader, with this limit.
    leader_supervision: Span = "5wd"
    default_leader: str = "分管副市长 (deputy mayor in charge)"
    leaders: dict[str, str] = Field(default_factory=dict)  # lead department code → leader
    # Missing the leader's deadline convenes a joint meeting of the departments concerned.
    convene_meeting_automatically: bool = True
    report_in: Span = "1wd"  # each summoned department reports in (报到) within this
    meeting_decision: Span = "3wd"  # the meeting names the lead and the plan within this
    # Refer the lead department to the discipline commission when a joint meeting
    # reaches no decision, or when the lead misses the deadline a meeting set.
    refer_to_discipline_automatically: bool = True
    discipline_acknowledge: Span = "2wd"

    def leader_for(self, department: str | None) -> str:
        return self.leaders.get(department or "", self.default_leader)


class ReportPolicy(BaseModel):
    """The periodic reports' rules (domain.md, periodic work)."""

    model_config = ConfigDict(extra="forbid")

    # A hard or backlog ticket for the dispatch meeting: overdue, reworked, or returned often.
    hard_when_overdue: bool = True
    hard_at_rework_count: int = Field(default=1, ge=1)
    hard_at_return_count: int = Field(default=2, ge=1)
    audit_sample_size: int = Field(default=10, ge=1)


class Policy(BaseModel):
    """Every time limit of a ticket's life. Defaults follow docs/domain.md."""

    model_config = ConfigDict(extra="forbid")

    name: str = "default"
    timezone: str = "Asia/Shanghai"
    dispatch: ByUrgency = ByUrgency(emergency="5m", utility="30m", general="30m", complex="30m")
    sign: ByUrgency = ByUrgency(emergency="1h", utility="1h", general="2h", complex="2h")
    reply: ByUrgency = ByUrgency(emergency="2h", utility="24h", general="7d", complex="15d")
    return_window: Span = "2wd"
    extension_max_working_days: int = Field(default=10, ge=0)
    callback: Span = "3d"
    rework: Span = "3wd"
    # 转110: 110 accepts or hands back within this; after it the centre is reminded.
    police_acceptance: Span = "2h"
    # 协办意见: each assisting department owes the lead its part within this of dispatch.
    assist_part: Span = "3wd"
    # A citizen calling again this soon after closure reopens the ticket (natural units).
    reopen_window: Annotated[Span, AfterValidator(_natural)] = "30d"
    warning_ratio: float = Field(default=0.8, gt=0, lt=1)
    # Warnings and reminders ring up to this many seconds after their instant, spread per
    # ticket: the thousands of deadlines that fall on one working-day boundary then reach
    # the workers over a minute, not in one second. Deadlines themselves do not move.
    rung_jitter_seconds: int = Field(default=0, ge=0, le=600)
    supervision_grace: Span = "1wd"
    supervision_order: Span = "3wd"
    # A ticket continues as new past this many history events (or when Temporal suggests it).
    history_event_limit: int = Field(default=10_000, ge=50)
    calendar: CalendarOverrides = CalendarOverrides()
    escalation: EscalationPolicy = EscalationPolicy()
    suspension: SuspensionPolicy = SuspensionPolicy()
    reports: ReportPolicy = ReportPolicy()
    sms: SmsPolicy = SmsPolicy()  # what the citizen is told by SMS, and when
    evidence: EvidencePolicy = EvidencePolicy()  # what a step must carry (现场照片)
    knowledge: KnowledgePolicy = KnowledgePolicy()  # the knowledge base's clocks
    # Fast lanes, first match wins: a lane's sign or reply limit replaces the urgency's.
    lanes: list[Lane] = Field(default_factory=list)

    def limit(
        self, step: str, intake: TicketCreate, category_chain: Sequence[str] = ()
    ) -> tuple[str, str]:
        """The ``sign`` or ``reply`` span for this intake, and the rule that set it: the
        first lane that matches and sets it, else the urgency's default."""
        for lane in self.lanes:
            span = getattr(lane, step)
            if span is not None and lane.matches(intake, category_chain):
                return span, f"lane:{lane.name}"
        by_urgency: ByUrgency = getattr(self, step)
        return by_urgency.for_urgency(intake.urgency), f"urgency:{intake.urgency.value}"
