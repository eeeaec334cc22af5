"""The escalation ladder's vocabulary (督办 → 领导督办 → 联席会议 → 纪委监委).

Records of every rung, the bodies of the supervisors' and the commission's actions,
and the payloads between a ticket and its joint-meeting and discipline-referral child
workflows. Pure (pydantic only) so workflows may import it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field, field_validator, model_validator

from schema.attachments import AttachmentRef, attachments_field
from schema.body import DEPARTMENT_REFERENCE_PATTERN, Body, DepartmentReference


class EscalationKind(StrEnum):
    """A rung of the ladder; levels and tiers are in ``schema.ladder``."""

    WARNING = "warning"  # 临期预警
    REMINDER = "reminder"  # 催办
    SUPERVISION_ORDER = "supervision_order"  # 督办件, tiered
    LEADER_SUPERVISION = "leader_supervision"  # 领导督办 / 挂牌督办
    JOINT_MEETING = "joint_meeting"  # 联席会议 / 吹哨报到
    MISSED_REPORT_IN = "missed_report_in"  # a summoned department did not report in
    DISCIPLINE_REFERRAL = "discipline_referral"  # 纪委监委


class SupervisionTier(StrEnum):
    """Sanming's colours: each missed supervision order is reissued one tier harder."""

    BLUE = "blue"
    ORANGE = "orange"
    RED = "red"

    def harder(self) -> SupervisionTier | None:
        """The next tier, or None past red (the ticket goes to leader supervision)."""
        order = list(SupervisionTier)
        index = order.index(self)
        return order[index + 1] if index + 1 < len(order) else None


class DisciplineOutcome(StrEnum):
    NO_FAULT = "no_fault"
    SUMMONS = "summons"  # 约谈
    CRITICISM = "criticism"  # 通报批评
    ACCOUNTABILITY = "accountability"  # 问责


class EscalationOutcome(StrEnum):
    """How a rung ended; ``open`` while it stands."""

    OPEN = "open"
    DONE = "done"  # what it asked for was done
    ESCALATED = "escalated"  # its deadline passed: the next rung was raised
    SUPERSEDED = "superseded"  # re-dispatched or closed before it was due
    MISSED = "missed"  # a summoned department did not report in
    DECIDED = "decided"  # a joint meeting named the lead and the plan
    NO_DECISION = "no_decision"  # a joint meeting reached no decision by its deadline
    CANCELLED = "cancelled"  # the ticket closed while the meeting was open
    NO_FAULT = DisciplineOutcome.NO_FAULT.value
    SUMMONS = DisciplineOutcome.SUMMONS.value
    CRITICISM = DisciplineOutcome.CRITICISM.value
    ACCOUNTABILITY = DisciplineOutcome.ACCOUNTABILITY.value


class Escalation(BaseModel):
    """One rung on one ticket: who or what raised it, why, by when, and how it ended."""

    id: str  # "<ticket_no>/<number>"
    ticket_no: str
    number: int
    kind: EscalationKind
    level: int
    tier: SupervisionTier | None = None
    department: str | None = None  # the unit it concerns
    step: str | None = None  # the deadline that was missed (sign, reply, …), if any
    reason: str
    raised_by: str  # a person ("supervisor:li") or a named timer ("timer:sign")
    raised_at: datetime
    due_at: datetime | None = None
    outcome: EscalationOutcome = EscalationOutcome.OPEN
    ended_at: datetime | None = None
    ended_by: str | None = None
    workflow_id: str | None = None  # the child workflow, for meetings and referrals
    detail: dict[str, Any] = Field(default_factory=dict)
    # The ticket's event sequence at the last change: the read model keeps the newest.
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.outcome is EscalationOutcome.OPEN


# -- bodies of the supervisors', departments' and commission's actions ------------------


def _distinct(codes: list[str]) -> list[str]:
    if len(set(codes)) != len(codes):
        raise ValueError("departments must be distinct")
    return codes


class SuperviseBody(Body):
    """Raise the ladder one rung by hand: a supervision order, a harder tier, or a leader."""

    note: str = Field(min_length=1, max_length=4000)
    due: datetime | None = None  # default: the policy's limit for the rung
    leader: str | None = Field(default=None, min_length=1, max_length=100)

    @field_validator("due")
    @classmethod
    def _aware(cls, due: datetime | None) -> datetime | None:
        if due is not None and due.tzinfo is None:
            raise ValueError("give 'due' with its UTC offset, e.g. 2026-12-01T18:00:00+08:00")
        return due


class JointMeetingBody(Body):
    """Summon departments to a joint meeting (联席会议 / 吹哨报到)."""

    departments: list[DepartmentReference] = Field(min_length=1, max_length=20)
    agenda: str = Field(min_length=1, max_length=4000)
    attachments: list[AttachmentRef] = attachments_field()

    @field_validator("departments")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return _distinct(codes)


class MeetingReportBody(Body):
    """A summoned department reports in (报到)."""

    note: str | None = Field(default=None, max_length=4000)


class MeetingDecisionBody(Body):
    lead: str = Field(pattern=DEPARTMENT_REFERENCE_PATTERN)
    assisting: list[DepartmentReference] = Field(default_factory=list, max_length=20)
    plan: str = Field(min_length=1, max_length=4000)

    @field_validator("assisting")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        return _distinct(codes)

    @model_validator(mode="after")
    def _lead_not_assisting(self) -> MeetingDecisionBody:
        if self.lead in self.assisting:
            raise ValueError("the lead department cannot also be assisting")
        return self


class DisciplineReferralBody(Body):
    reason: str = Field(min_length=1, max_length=4000)
    department: str | None = Field(
        default=None, pattern=DEPARTMENT_REFERENCE_PATTERN
    )  # default: lead
    attachments: list[AttachmentRef] = attachments_field()


class ReferralAcknowledgeBody(Body):
    note: str | None = Field(default=None, max_length=4000)


class ReferralOutcomeBody(Body):
    outcome: DisciplineOutcome
    officials: list[str] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=4000)

    @model_validator(mode="after")
    def _officials_named(self) -> ReferralOutcomeBody:
        if self.outcome is not DisciplineOutcome.NO_FAULT and not self.officials:
            raise ValueError(f"'{self.outcome}' names the officials concerned in 'officials'")
        return self


class LeaderAssignment(BaseModel):
    """The dispatch meeting (调度会) puts a hard ticket under a leader: a signal to the ticket."""

    reason: str
    actor: str  # e.g. "schedule:dispatch-meeting-2026-11-26"
    leader: str | None = None  # default: the policy's leader for the lead department


# -- child workflows ---------------------------------------------------------------


class JointMeetingStart(BaseModel):
    ticket_no: str
    number: int  # the rung's number in the ticket's escalation history
    workflow_id: str  # ticket-<no>/joint-meeting-<n>, n counting the ticket's meetings
    departments: list[str]
    agenda: str
    convened_by: str
    report_in_by: datetime
    decide_by: datetime


class DisciplineReferralStart(BaseModel):
    ticket_no: str
    number: int
    workflow_id: str  # ticket-<no>/discipline-<n>
    department: str
    reason: str
    referred_by: str
    acknowledge_by: datetime


class JointMeetingView(BaseModel):
    workflow_id: str
    ticket_no: str
    departments: list[str]
    agenda: str
    report_in_by: datetime
    decide_by: datetime
    reported: dict[str, datetime]
    absent: list[str]
    decision: MeetingDecisionBody | None
    outcome: EscalationOutcome


class ReferralView(BaseModel):
    workflow_id: str
    ticket_no: str
    department: str
    reason: str
    acknowledge_by: datetime
    acknowledged_at: datetime | None
    outcome: DisciplineOutcome | None
    officials: list[str]


class NewsNotice(BaseModel):
    recipient: str
    message: str


class EscalationNews(BaseModel):
    """What a child workflow tells its ticket: an event for the timeline, maybe an ending."""

    escalation_number: int
    actor: str
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)
    outcome: EscalationOutcome | None = None  # set when the rung ends
    decision: MeetingDecisionBody | None = None  # a joint meeting's, for re-dispatch
    absent: list[str] = Field(default_factory=list)  # departments that did not report in
    notices: list[NewsNotice] = Field(default_factory=list)
    at: datetime


class LateEscalationNews(BaseModel):
    """News for a ticket that has already closed: written straight into the read model."""

    ticket_no: str
    news: EscalationNews
