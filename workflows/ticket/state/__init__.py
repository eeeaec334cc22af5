"""The state a ticket workflow carries: one Pydantic model, carried whole across
continue-as-new and recorded in histories (its field names are its serialized form:
never rename one).

Its clocks (the step clock type, which clocks run, the next rung, overdue, the ladder's
standing) are in ``state.clocks``; what it shows (the ticket's view, the read model's
record) in ``state.projections``. Pure data and arithmetic on given instants: no clock,
no I/O. The workflow passes ``workflow.now()`` in wherever "now" matters, which keeps
this package testable without a server and safe to pass through the sandbox.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from schema.activity_io import Feature, Notification
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
    PendingReview,
    Rating,
    ReopenLink,
    ReplyOutcome,
    TicketCreate,
    TicketStatus,
    TimelineAction,
    TimelineEvent,
)
from schema.working_days import WorkingDaySheet
from workflows.ticket.state.clocks import (
    HELD_BY,
    LADDER_STEPS,
    OVERDUE_STEPS,
    REWORK_RULE,
    RUNG_LEVEL,
    Rung,
    Step,
    StepClock,
)

__all__ = [
    "HELD_BY",
    "LADDER_STEPS",
    "OVERDUE_STEPS",
    "REWORK_RULE",
    "RUNG_LEVEL",
    "PendingExtension",
    "PendingSuspension",
    "Rung",
    "Step",
    "StepClock",
    "TicketStart",
    "TicketState",
]


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
    generation: int = 0  # from TicketStart: the patches it began after (ticket.legacy)
    policy: Policy | None = None
    # The holiday calendar the deadlines count on, recorded at registration (None: the
    # ticket was registered before deadlines were computed in the workflow).
    working_days: WorkingDaySheet | None = None
    reopened: ReopenLink | None = None
    features: list[Feature] = Field(default_factory=list)  # recorded at registration
    category_chain: list[str] = Field(default_factory=list)  # ditto: the groups above it
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


class TicketStart(BaseModel):
    """The workflow's input: the intake as recorded, and who recorded it."""

    ticket_no: str
    intake: TicketCreate
    created_by: str
    # False only on a server without custom search attributes (the time-skipping test server).
    index_search_attributes: bool = True
    reopened: ReopenLink | None = None  # the closed ticket this one reopens
    # Which patches the ticket began after (ticket.legacy.GENERATION); 0 in older inputs.
    generation: int = 0
    # Set when a long-lived ticket continues as new: the whole state, clocks included.
    carried: TicketState | None = None
