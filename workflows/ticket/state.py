"""The state a ticket workflow carries, and the deadline clocks inside it.

Pure data and arithmetic on given instants: no clock, no I/O. The workflow passes
``workflow.now()`` in wherever "now" matters, which keeps this module testable
without a server and safe to pass through the sandbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from schema.activity_io import Feature, Notification, TicketRecord
from schema.escalation import (
    Escalation,
    EscalationKind,
    EscalationOutcome,
    SupervisionTier,
)
from schema.ladder import LEVEL
from schema.policy import Policy
from schema.ticket import (
    AssistingPart,
    ClosureReason,
    Delegation,
    DelegationEnd,
    DelegationStage,
    PendingReview,
    Rating,
    ReopenLink,
    ReplyOutcome,
    TicketCreate,
    TicketStatus,
    TicketView,
    TimelineAction,
    TimelineEvent,
)
from schema.working_days import WorkingDaySheet


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

    def schedule(self, warning_ratio: float) -> list[tuple[Rung, datetime]]:
        """Every rung of this clock with the instant it fires, earliest first."""
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
        rungs = [(Rung.WARNING, warn_at), (Rung.REMINDER, self.due_at)]
        if self.supervise_at is not None:
            rungs.append((Rung.SUPERVISION, self.supervise_at))
        return rungs

    def pending(self, warning_ratio: float) -> list[tuple[Rung, datetime]]:
        return [(r, at) for r, at in self.schedule(warning_ratio) if r not in self.fired]


class PendingSuspension(BaseModel):
    reason: str
    expected_resume: date
    requested_by: str
    requested_at: datetime


class PendingExtension(BaseModel):
    working_days: int
    reason: str
    requested_by: str
    requested_at: datetime


class TicketState(BaseModel):
    ticket_no: str
    intake: TicketCreate
    created_by: str
    created_at: datetime
    updated_at: datetime
    index_search_attributes: bool = True
    policy: Policy | None = None
    # The holiday calendar the deadlines count on, recorded at registration (None: the
    # ticket was registered before deadlines were computed in the workflow).
    working_days: WorkingDaySheet | None = None
    reopened: ReopenLink | None = None
    features: list[Feature] = Field(default_factory=list)  # recorded at registration
    # 协办意见: the parts still owed (a clock each, by department), those given, and those
    # never given before the reply (or the closure) closed them.
    part_clocks: dict[str, StepClock] = Field(default_factory=dict)
    parts_given: dict[str, AssistingPart] = Field(default_factory=dict)
    parts_unanswered: dict[str, AssistingPart] = Field(default_factory=dict)
    # 二级派单: the chain passed down from the lead, and the clock of each unit that owes
    # a reply up (by unit).
    delegations: list[Delegation] = Field(default_factory=list)
    delegation_clocks: dict[str, StepClock] = Field(default_factory=dict)
    finished_delegations: list[Delegation] = Field(default_factory=list)  # off the chain
    passed_to: list[str] = Field(default_factory=list)  # every unit it ever went down to
    status: TicketStatus = TicketStatus.RECEIVED
    status_before_return: TicketStatus | None = None
    lead_department: str | None = None
    assisting_departments: list[str] = Field(default_factory=list)
    clocks: dict[Step, StepClock] = Field(default_factory=dict)
    other_deadlines: dict[str, datetime] = Field(default_factory=dict)
    overdue: bool = False
    escalation_level: int = 0
    escalations: list[Escalation] = Field(default_factory=list)
    missed_deadlines: int = 0
    hop: int = 0
    rework_count: int = 0
    return_count: int = 0
    extension_days_granted: int = 0
    pending_extension: PendingExtension | None = None
    pending_suspension: PendingSuspension | None = None
    status_before_suspension: TicketStatus | None = None
    suspended_since: datetime | None = None
    suspended_seconds: int = 0
    suspension_count: int = 0
    status_before_110: TicketStatus | None = None
    handed_back_by_110: int = 0
    pending_review: PendingReview | None = None
    rating: Rating | None = None
    excluded_from_score: bool = False
    closure_reason: ClosureReason | None = None
    merged_into: str | None = None
    dispatched_at: datetime | None = None
    signed_at: datetime | None = None
    replied_at: datetime | None = None
    reply_outcome: ReplyOutcome | None = None
    closed_at: datetime | None = None
    next_seq: int = 1
    runs_before: int = 0  # continues-as-new so far: the read model's fence counts runs
    unpublished_events: list[TimelineEvent] = Field(default_factory=list)
    outbox: list[Notification] = Field(default_factory=list)
    unpublished_escalations: list[int] = Field(default_factory=list)  # numbers changed

    # -- clocks ---------------------------------------------------------------

    def active_clocks(self) -> list[StepClock]:
        """Clocks that run now: none while the centre reviews a return, none once closed."""
        if self.status in (TicketStatus.RETURNED, TicketStatus.CLOSED):
            return []
        held = HELD_BY.get(self.status)  # suspended, or with 110: only that clock runs
        if held is not None:
            return [c for c in self.clocks.values() if c.step is held]
        return [
            *self.clocks.values(),
            *self.part_clocks.values(),
            *self.delegation_clocks.values(),
        ]

    def next_alarm(self) -> datetime | None:
        ratio = self.require_policy().warning_ratio
        instants = [at for c in self.active_clocks() for _, at in c.pending(ratio)]
        return min(instants) if instants else None

    def due_alarms(self, now: datetime) -> list[tuple[StepClock, Rung]]:
        ratio = self.require_policy().warning_ratio
        due = [
            (at, clock, rung)
            for clock in self.active_clocks()
            for rung, at in clock.pending(ratio)
            if at <= now
        ]
        return [(clock, rung) for _, clock, rung in sorted(due, key=lambda item: item[0])]

    def refresh_overdue(self, now: datetime) -> None:
        self.overdue = any(
            c.step in OVERDUE_STEPS and (c.due_at <= now or c.follows_missed_deadline)
            for c in self.active_clocks()
        )

    def deadlines(self) -> dict[str, datetime]:
        """The due instants that apply now, by name (api.md ``deadlines``)."""
        if self.status is TicketStatus.CLOSED:
            return {}
        children = {  # the open joint meeting's decision, the referral's acknowledgement
            record.kind.value: record.due_at
            for record in self.open_escalations()
            if record.workflow_id and record.due_at
        }
        if self.status in HELD_BY:  # its own clocks stand still until it comes back
            return {**{c.step.value: c.due_at for c in self.active_clocks()}, **children}
        named = {clock.step.value: clock.due_at for clock in self.clocks.values()}
        below = self.delegations[-1] if self.delegations else None
        if below is not None and below.stage is not DelegationStage.REPLIED:
            named[Step.DELEGATED.value] = below.due_at  # what the lowest unit owes
        return {**named, **self.other_deadlines, **children}

    def require_policy(self) -> Policy:
        if self.policy is None:
            raise RuntimeError("policy not loaded yet")
        return self.policy

    # -- trace ----------------------------------------------------------------

    def log(self, at: datetime, actor: str, action: TimelineAction, **detail: Any) -> TimelineEvent:
        event = TimelineEvent(seq=self.next_seq, at=at, actor=actor, action=action, detail=detail)
        self.next_seq += 1
        self.updated_at = at
        self.unpublished_events.append(event)
        return event

    def notify(self, event: TimelineEvent, recipient: str, message: str) -> None:
        self.outbox.append(
            Notification(
                id=f"{self.ticket_no}:{event.seq}:{recipient}",
                ticket_no=self.ticket_no,
                recipient=recipient,
                kind=event.action,
                message=message,
                at=event.at,
                seq=event.seq,
            )
        )

    def close_parts_owed(self, now: datetime) -> None:
        """The reply is given, or the ticket closed: the parts still owed are moot, their
        clocks stop, and each stays on the ticket as never given."""
        for code, clock in self.part_clocks.items():
            self.parts_unanswered[code] = AssistingPart(
                department=code, due_at=clock.due_at, closed_unanswered_at=now
            )
        self.part_clocks = {}

    def end_delegations(self, now: datetime, actor: str, why: str) -> None:
        """二级派单: the ticket leaves the units below (the lead replied itself, it was
        dispatched anew, it closed): their clocks stop, their rungs are moot, each is told."""
        if not self.delegations:
            return
        units = [d.unit for d in self.delegations]
        superseded = (EscalationKind.WARNING, EscalationKind.REMINDER)
        for unit in units:
            self.delegation_clocks.pop(unit, None)
            self.end_open_escalations(
                now, EscalationOutcome.SUPERSEDED, actor, superseded, Step.DELEGATED, unit
            )
        while self.delegations:  # the lowest first, as each step of the chain finishes
            self.finish_delegation(now, DelegationEnd.ENDED)
        event = self.log(now, actor, TimelineAction.DELEGATIONS_ENDED, units=units, why=why)
        for unit in units:
            self.notify(event, unit, f"Ticket {self.ticket_no} is no longer with you: {why}")

    def finish_delegation(self, now: datetime, ended: DelegationEnd) -> Delegation:
        """The lowest step of the chain is finished: off the chain, kept on the ticket."""
        finished = self.delegations.pop()
        finished.finished_at, finished.ended = now, ended
        self.finished_delegations.append(finished)
        return finished

    # -- the escalation history ---------------------------------------------------

    def raise_escalation(
        self,
        at: datetime,
        kind: EscalationKind,
        *,
        raised_by: str,
        reason: str,
        department: str | None = None,
        step: Step | None = None,
        tier: SupervisionTier | None = None,
        due_at: datetime | None = None,
        workflow_id: str | None = None,
        raises_level: bool = True,
        **detail: Any,
    ) -> Escalation:
        """Open a rung; the ticket's escalation level is the highest ever raised against
        the lead. ``raises_level`` false: a rung of another unit's own clock (a late part, a
        unit below), on record with its department but not the ticket's level."""
        number = len(self.escalations) + 1
        level = LEVEL[kind]
        record = Escalation(
            id=f"{self.ticket_no}/{number}",
            ticket_no=self.ticket_no,
            number=number,
            kind=kind,
            level=level,
            tier=tier,
            department=department,
            step=step.value if step else None,
            reason=reason,
            raised_by=raised_by,
            raised_at=at,
            due_at=due_at,
            workflow_id=workflow_id,
            detail=detail,
        )
        self.escalations.append(record)
        if raises_level:
            self.escalation_level = max(self.escalation_level, level)
        self._changed(record)
        return record

    def end_escalation(
        self, record: Escalation, at: datetime, outcome: EscalationOutcome, by: str, **detail: Any
    ) -> None:
        record.outcome = outcome
        record.ended_at = at
        record.ended_by = by
        record.detail.update(detail)
        self._changed(record)

    def end_open_escalations(
        self,
        at: datetime,
        outcome: EscalationOutcome,
        by: str,
        kinds: Iterable[EscalationKind],
        step: Step | None = None,
        department: str | None = None,
    ) -> None:
        """End the open rungs of these kinds (for one missed step, and one department's, when
        given)."""
        wanted = set(kinds)
        for record in self.open_escalations():
            if (
                record.kind in wanted
                and (step is None or record.step == step.value)
                and (department is None or record.department == department)
            ):
                self.end_escalation(record, at, outcome, by)

    @property
    def under_priority_supervision(self) -> bool:
        """发回重办: re-handled after a reasonable unsatisfied rating, until the next reply."""
        reply = self.clocks.get(Step.REPLY)
        return reply is not None and reply.rule == REWORK_RULE

    @property
    def supervision_tier(self) -> SupervisionTier | None:
        """The tier of the supervision order that stands now, if any."""
        orders = self.open_escalations(EscalationKind.SUPERVISION_ORDER)
        return orders[-1].tier if orders else None

    def open_escalations(self, kind: EscalationKind | None = None) -> list[Escalation]:
        return [e for e in self.escalations if e.is_open and kind in (None, e.kind)]

    def count_escalations(self, kind: EscalationKind) -> int:
        return sum(1 for e in self.escalations if e.kind is kind)

    def escalation(self, number: int) -> Escalation | None:
        return self.escalations[number - 1] if 0 < number <= len(self.escalations) else None

    def _changed(self, record: Escalation) -> None:
        if record.number not in self.unpublished_escalations:
            self.unpublished_escalations.append(record.number)

    def take_escalations_to_publish(self) -> list[Escalation]:
        """Every rung, those changed since the last publication stamped with the event
        sequence. All of them, not only the changed ones: a publication replaces the
        ticket's whole ladder in the read model (``activities.read_model``)."""
        for number in self.unpublished_escalations:
            self.escalations[number - 1].version = self.next_seq - 1
        self.unpublished_escalations = []
        return list(self.escalations)

    # -- projections ----------------------------------------------------------

    def view(self) -> TicketView:
        intake = self.intake
        return TicketView(
            ticket_no=self.ticket_no,
            status=self.status,
            type=intake.type,
            channel=intake.channel,
            category=intake.category,
            urgency=intake.urgency,
            district=intake.district,
            address=intake.address,
            lat=intake.lat,
            long=intake.long,
            description=intake.description,
            enterprise=intake.enterprise,
            police_incident_no=intake.police_incident_no,
            reopens=self.reopened.ticket_no if self.reopened else None,
            parts=[
                *(
                    AssistingPart(department=code, due_at=clock.due_at)
                    for code, clock in self.part_clocks.items()
                ),
                *self.parts_given.values(),
                *self.parts_unanswered.values(),
            ],
            delegations=[d.model_copy() for d in self.delegations],
            finished_delegations=[d.model_copy() for d in self.finished_delegations],
            passed_to=list(self.passed_to),
            citizen=intake.citizen,
            lead_department=self.lead_department,
            assisting_departments=list(self.assisting_departments),
            deadlines=self.deadlines(),
            deadline_rules={c.step.value: c.rule for c in self.clocks.values() if c.rule},
            priority_supervision=self.under_priority_supervision,
            overdue=self.overdue,
            escalation_level=self.escalation_level,
            supervision_tier=self.supervision_tier,
            open_escalations=self.open_escalations(),
            rework_count=self.rework_count,
            return_count=self.return_count,
            suspended_since=self.suspended_since,
            suspended_seconds=self.suspended_seconds,
            suspension_count=self.suspension_count,
            handed_back_by_110=self.handed_back_by_110,
            rating=self.rating,
            pending_review=self.pending_review,
            excluded_from_score=self.excluded_from_score,
            closure_reason=self.closure_reason,
            merged_into=self.merged_into,
            created_at=self.created_at,
            updated_at=self.updated_at,
            closed_at=self.closed_at,
        )

    def record(self) -> TicketRecord:
        return TicketRecord(
            **self.view().model_dump(),
            version=self.next_seq - 1,
            dispatched_at=self.dispatched_at,
            signed_at=self.signed_at,
            replied_at=self.replied_at,
            reply_outcome=self.reply_outcome,
            missed_deadlines=self.missed_deadlines,
        )


class TicketStart(BaseModel):
    """The workflow's input: the intake as recorded, and who recorded it."""

    ticket_no: str
    intake: TicketCreate
    created_by: str
    # False only on a server without custom search attributes (the time-skipping test server).
    index_search_attributes: bool = True
    reopened: ReopenLink | None = None  # the closed ticket this one reopens
    # Set when a long-lived ticket continues as new: the whole state, clocks included.
    carried: TicketState | None = None
