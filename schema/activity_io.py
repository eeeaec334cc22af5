"""Payloads between the ticket workflow and its activities.

Workflows call activities by name (``ActivityName``) with these models, so workflow
code never imports the activity modules and the database stack behind them.
Pure module: workflows may import it.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from schema.action_bodies import DuplicateMergedSignal
from schema.escalation import Escalation
from schema.policy import CalendarOverrides, Policy
from schema.ticket import ReplyOutcome, TicketView, TimelineEvent
from schema.working_days import DueItem, WorkingDaySheet


class ActivityName(StrEnum):
    REGISTER_TICKET = "register_ticket"
    RECORD_WORKING_DAYS = "record_working_days"
    # Before the "register-once-deadlines-in-workflow" patch; kept for tickets started earlier.
    LOAD_POLICY = "load_policy"
    ROUTE_REQUEST = "route_request"
    COMPUTE_DUE_INSTANTS = "compute_due_instants"
    PUBLISH_TRANSITION = "publish_transition"
    COMPILE_REPORT = "compile_report"
    RECORD_LATE_ESCALATION_NEWS = "record_late_escalation_news"
    CLAIM_DUPLICATE = "claim_duplicate"
    # Before the "publish-in-one-local-activity" patch; kept for tickets started earlier.
    RECORD_TRANSITION = "record_transition"
    SEND_NOTIFICATIONS = "send_notifications"
    # The citizen's SMS, each in its own delivery workflow (workflows.citizen_message).
    SEND_CITIZEN_MESSAGE = "send_citizen_message"
    GIVE_UP_CITIZEN_MESSAGE = "give_up_citizen_message"
    # A knowledge entry's step, into the read model (workflows.knowledge_entry).
    RECORD_KNOWLEDGE_ENTRY = "record_knowledge_entry"


class RouteQuery(BaseModel):
    category: str
    district: str


class RouteDecision(BaseModel):
    """What the dispatch catalogue (派单目录) says for a category and district."""

    lead: str
    assisting: list[str] = Field(default_factory=list)
    rule_id: int
    fallback: bool = False  # True when the district government was named for lack of a rule


class Feature(StrEnum):
    """What a ticket registered by today's code does that older tickets do not. The
    registration activity records the list; the workflow asks the list, not the code's
    version, so an open ticket keeps the behaviour it was registered with (and replays)."""

    ASSISTING_PARTS = "assisting-parts"  # 协办意见 owed by each assisting department


class RegistrationQuery(BaseModel):
    category: str
    district: str
    on: date  # the day the ticket is received, in the policy's time zone or near it


class Registration(BaseModel):
    """All a new ticket needs from outside, in one local activity: its policy, its route
    (None: an agent dispatches by hand) and the holiday calendar its deadlines count on."""

    policy: Policy
    route: RouteDecision | None
    working_days: WorkingDaySheet | None  # None only as tickets registered before did
    # What this worker's code does for a new ticket beyond what older code did, recorded
    # with the registration so that replay follows the ticket's own (``Feature``).
    features: list[Feature] = Field(default_factory=list)
    # The category and the groups of the tree above it, nearest first: a fast lane on a
    # group covers the leaves below it. Empty for tickets registered before the tree.
    category_chain: list[str] = Field(default_factory=list)


class WorkingDaysQuery(BaseModel):
    calendar: CalendarOverrides
    first: date
    last: date


class DueQuery(BaseModel):
    timezone: str
    calendar: CalendarOverrides
    items: list[DueItem]


class DueInstants(BaseModel):
    instants: dict[str, datetime]


class TicketRecord(TicketView):
    """The read-model row: the view plus the facts statistics need."""

    version: int
    dispatched_at: datetime | None
    signed_at: datetime | None
    replied_at: datetime | None
    reply_outcome: ReplyOutcome | None
    missed_deadlines: int


class Transition(BaseModel):
    """What one step of the workflow publishes to the read model."""

    ticket: TicketRecord
    events: list[TimelineEvent]
    escalations: list[Escalation] = Field(default_factory=list)  # every rung of the ticket
    # Orders the writers of one ticket: a later workflow task, or a later attempt at the
    # same task, has a higher fence (activities.read_model). 0 in older histories.
    fence: int = 0
    # When the publishing workflow task was handed out. Two attempts at one task can see
    # the same history length (the server lost the first one's start); the later one
    # handed out is the one that counts. None from workers before this field.
    fence_at: datetime | None = None


class Publication(BaseModel):
    """Everything one transition publishes: read-model rows and notifications."""

    transition: Transition
    notifications: list[Notification] = Field(default_factory=list)


class Notification(BaseModel):
    """A message to a department or the centre; ``id`` makes redelivery harmless."""

    id: str
    ticket_no: str
    recipient: str
    kind: str
    message: str
    at: datetime
    seq: int | None = None  # the timeline event it tells of (None in older histories)


class DuplicateClaim(BaseModel):
    """A duplicate asks the ticket it merges into to take its request (并单)."""

    into: str
    notice: DuplicateMergedSignal
    claim_id: str  # the Temporal update's id: a retried activity asks once


class DuplicateClaimOutcome(BaseModel):
    accepted: bool
    reason: str | None = None  # why not, in the target's words
