"""The ticket's vocabulary: request bodies, workflow payloads and the ticket view.

API bodies are the workflow payloads (docs/design.md), so one model serves both.
This module is pure (pydantic only) so workflows may import it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from schema.attachments import AttachmentRef, attachments_field
from schema.body import Body, text_field
from schema.escalation import Escalation, SupervisionTier


class Role(StrEnum):
    AGENT = "agent"
    DEPARTMENT = "department"
    SUPERVISOR = "supervisor"
    DISCIPLINE = "discipline"
    ADMIN = "admin"
    INTEGRATOR = "integrator"


class TicketStatus(StrEnum):
    RECEIVED = "received"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    RETURNED = "returned"
    SUSPENDED = "suspended"  # 挂起: the clocks stand still until it resumes
    AWAITING_110 = "awaiting_110"  # 转110: until 110 accepts it or hands it back
    CALLBACK = "callback"
    CLOSED = "closed"


# Named, rather than "not closed", so an index on the status finds them.
OPEN_STATUSES = tuple(s.value for s in TicketStatus if s is not TicketStatus.CLOSED)


class TicketType(StrEnum):
    ENQUIRY = "enquiry"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬/感谢


class Urgency(StrEnum):
    EMERGENCY = "emergency"  # 紧急
    UTILITY = "utility"  # 水电气热
    GENERAL = "general"  # 一般
    COMPLEX = "complex"  # 疑难


class Channel(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    WECHAT = "wechat"
    WEB = "web"
    MAILBOX = "mailbox"  # mayor's mailbox
    GRID = "grid"  # reported by a grid worker on patrol
    POLICE = "110"  # handed over by the 110 police line (非警务警情)


# The partner hotlines an integration may be granted to speak for (a token's speaks_for).
PARTNER_LINES = frozenset({Channel.POLICE.value})


class ReplyOutcome(StrEnum):
    RESOLVED = "resolved"
    EXPLAINED = "explained"
    UNRESOLVABLE = "unresolvable"


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"
    NO_COMMENT = "no_comment"


class ClosureReason(StrEnum):
    RATED = "rated"
    NO_RATING = "no_rating"
    TRANSFERRED_110 = "transferred_110"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"


class PendingReview(StrEnum):
    """A decision the centre owes before the ticket can move on."""

    RETURN = "return"
    EXTENSION = "extension"
    SUSPENSION = "suspension"
    HANDED_BACK = "handed_back"  # 110 handed it back: the centre decides anew
    RATING = "rating"


class Actor(BaseModel):
    """Who performs an action: taken from the caller's token, never from the body."""

    sub: str
    role: Role
    department: str | None = None
    # The partner lines (110) an integrator's token was granted to speak for by the
    # deployment's operator. The API checks it; it never enters a workflow's payloads.
    speaks_for: frozenset[str] = Field(default=frozenset(), exclude=True)

    def describe(self) -> str:
        if self.department:
            return f"{self.role.value}:{self.department}:{self.sub}"
        return f"{self.role.value}:{self.sub}"


PHONE_PATTERN = r"^\+?[0-9][0-9\- ]{4,19}$"
# A phone as answers serve it: as given, or masked (Citizen.masked: 138****1234, ****).
SERVED_PHONE_PATTERN = r"^(?:\+?[0-9][0-9\- ]{4,19}|[0-9]{3}\*{4}[0-9]{4}|\*{4})$"


class Citizen(Body):
    name: str = text_field(100)
    # Requests keep the strict pattern; the OpenAPI's answers admit the masked form.
    phone: Annotated[
        str,
        Field(pattern=PHONE_PATTERN),
        WithJsonSchema({"type": "string", "pattern": SERVED_PHONE_PATTERN}, mode="serialization"),
    ]

    def masked(self) -> Citizen:
        """What a role without access to personal data sees: 张* and 138****1234."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        phone = f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 8 else "****"
        return Citizen.model_construct(name=self.name[:1] + "*" * (len(self.name) - 1), phone=phone)


class TicketCreate(Body):
    """Intake (受理): what the agent or the integrating channel records."""

    channel: Channel
    type: TicketType
    category: str = text_field(100)
    urgency: Urgency = Urgency.GENERAL
    description: str = text_field()
    district: str = text_field(100)
    address: str | None = Field(default=None, max_length=400)
    # Where the problem is, when the channel knows (an app's map pin; WGS 84 degrees).
    lat: float | None = Field(default=None, ge=-90, le=90)
    long: float | None = Field(default=None, ge=-180, le=180)
    citizen: Citizen
    enterprise: bool = False
    # A ticket 110 handed over (channel "110"): its police incident number (警情编号).
    police_incident_no: str | None = Field(default=None, max_length=40)
    # Photos and files taken in with the request (随手拍, an app, Open311).
    attachments: list[AttachmentRef] = attachments_field()


class ReopenLink(BaseModel):
    """The closed ticket a new one reopens, and its lead (the new one goes to it)."""

    ticket_no: str
    lead: str | None


class AssistingPart(BaseModel):
    """One assisting department's part: owed by ``due_at``, given at ``submitted_at``, and
    ``used`` when the lead's reply drew on it; a part still owed when the reply came (or the
    ticket closed) stays on the ticket, closed unanswered at ``closed_unanswered_at``."""

    department: str
    due_at: datetime
    submitted_at: datetime | None = None
    used: bool = False
    closed_unanswered_at: datetime | None = None

    @property
    def owed(self) -> bool:
        return self.submitted_at is None and self.closed_unanswered_at is None


class DelegationStage(StrEnum):
    TO_SIGN = "to_sign"  # passed down, not signed for yet
    HANDLING = "handling"  # signed for: the unit below works on it (or passed it further)
    REPLIED = "replied"  # replied up: the unit above reviews the reply


class DelegationEnd(StrEnum):
    """How a step of 二级派单 finished (it stays on the ticket, marked so)."""

    ACCEPTED = "accepted"  # the unit above accepted its reply
    HANDED_BACK = "handed_back"  # it handed the ticket back up (退回上级)
    ENDED = "ended"  # the ticket left the units below (the lead replied, a re-dispatch, closed)


class DelegatedReply(BaseModel):
    outcome: ReplyOutcome
    content: str
    by: str  # the unit whose result it is (the lowest that worked on it)


class Delegation(BaseModel):
    """One step of 二级派单: ``by`` passed the ticket down to ``unit``, which owes it a reply
    by ``due_at``. The lead stays responsible (首接负责制): its own clocks run on."""

    by: str
    unit: str
    stage: DelegationStage = DelegationStage.TO_SIGN
    due_at: datetime
    passed_at: datetime
    signed_at: datetime | None = None
    reply: DelegatedReply | None = None
    sent_back: int = 0  # times the unit above sent the reply back down
    finished_at: datetime | None = None  # once finished: off the chain, kept on the ticket
    ended: DelegationEnd | None = None


class Rating(BaseModel):
    satisfaction: Satisfaction
    solved: bool
    comment: str | None = None
    rated_at: datetime
    rated_by: str


class TimelineAction(StrEnum):
    """What a trace on a ticket's timeline records, in the order of the process chart;
    the joint meeting's and the referral's news are traces on their ticket too."""

    RECEIVED = "received"  # 受理
    AWAITING_DISPATCH = "awaiting_dispatch"  # no catalogue rule: an agent dispatches by hand
    DUPLICATE_MERGED = "duplicate_merged"  # 并单: a duplicate joined this ticket
    SIGNAL_REJECTED = "signal_rejected"
    DISPATCHED = "dispatched"  # 派单
    ANSWERED = "answered"  # 直接办结: answered on the spot
    SIGNED = "signed"  # 签收
    RETURNED = "returned"  # 退单
    RETURN_ACCEPTED = "return_accepted"
    RETURN_REJECTED = "return_rejected"
    PROGRESS = "progress"  # 阶段性答复
    EXTENSION_REQUESTED = "extension_requested"  # 延期
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_REFUSED = "extension_refused"
    SUSPENSION_REQUESTED = "suspension_requested"  # 挂起
    SUSPENSION_APPROVED = "suspension_approved"
    SUSPENSION_REFUSED = "suspension_refused"
    RESUMED = "resumed"  # 恢复办理, by hand or when the longest suspension ran out
    TRANSFERRED_TO_110 = "transferred_to_110"  # 转110, waiting for 110 to accept
    ACCEPTED_BY_110 = "accepted_by_110"
    HANDED_BACK_BY_110 = "handed_back_by_110"  # 110退回: not a police matter
    NO_ANSWER_FROM_110 = "no_answer_from_110"
    REOPENED_AS = "reopened_as"  # on the closed ticket: the new ticket that reopens it
    PART_SUBMITTED = "part_submitted"  # 协办意见: an assisting department's part
    DELEGATED = "delegated"  # 二级派单: passed down to a unit below
    DELEGATED_SIGNED = "delegated_signed"
    DELEGATED_RETURNED = "delegated_returned"  # the unit below handed it back up
    DELEGATED_REPLIED = "delegated_replied"  # the unit below reported its result up
    DELEGATED_REPLY_ACCEPTED = "delegated_reply_accepted"
    DELEGATED_REPLY_SENT_BACK = "delegated_reply_sent_back"
    DELEGATIONS_ENDED = "delegations_ended"  # the ticket left the units below (reply, re-dispatch)
    REPLIED = "replied"  # 答复
    RATED = "rated"  # 回访
    RATING_EXCLUDED = "rating_excluded"
    SENT_BACK_FOR_REWORK = "sent_back_for_rework"  # 发回重办
    MERGE_NOTICE_FAILED = "merge_notice_failed"
    CLOSED = "closed"  # 办结
    # The escalation ladder (schema.ladder).
    DEADLINE_WARNING = "deadline_warning"
    REMINDER = "reminder"
    DEADLINE_MISSED = "deadline_missed"  # while a leader or a meeting holds the ticket
    SUPERVISION_ORDER = "supervision_order"
    LEADER_SUPERVISION = "leader_supervision"
    LEADER_SUPERVISION_MISSED = "leader_supervision_missed"
    JOINT_MEETING_CONVENED = "joint_meeting_convened"
    JOINT_MEETING_REPORT_IN = "joint_meeting_report_in"
    JOINT_MEETING_ABSENT = "joint_meeting_absent"
    JOINT_MEETING_DECIDED = "joint_meeting_decided"
    JOINT_MEETING_UNDECIDED = "joint_meeting_undecided"
    DISCIPLINE_REFERRAL = "discipline_referral"
    DISCIPLINE_REFERRAL_ACKNOWLEDGED = "discipline_referral_acknowledged"
    DISCIPLINE_REFERRAL_UNACKNOWLEDGED = "discipline_referral_unacknowledged"
    DISCIPLINE_OUTCOME = "discipline_outcome"


class TimelineEvent(BaseModel):
    """One trace (留痕): who did what, when and why."""

    seq: int
    at: datetime
    actor: str
    action: str  # a TimelineAction; kept a string so that every stored trace still reads
    detail: dict[str, Any] = Field(default_factory=dict)


class LikelyDuplicate(BaseModel):
    """An open ticket that reads like the new one: same category and district, recent."""

    ticket_no: str
    similarity: float
    status: TicketStatus
    created_at: datetime


class TicketView(BaseModel):
    """A ticket as integrators see it (docs/api.md, Ticket)."""

    ticket_no: str
    status: TicketStatus
    type: TicketType
    channel: Channel
    category: str
    urgency: Urgency
    district: str
    address: str | None
    lat: float | None = None
    long: float | None = None
    description: str
    enterprise: bool
    police_incident_no: str | None = None  # 警情编号 of a ticket 110 handed over
    reopens: str | None = None  # the closed ticket this one reopens (a repeat request)
    parts: list[AssistingPart] = Field(default_factory=list)  # 协办意见 owed or given
    # 二级派单: the units the ticket is passed down to now, from the lead's down, the steps
    # finished (each says how), and every unit it was ever passed down to (they keep
    # reading it).
    delegations: list[Delegation] = Field(default_factory=list)
    finished_delegations: list[Delegation] = Field(default_factory=list)  # oldest first
    passed_to: list[str] = Field(default_factory=list)
    citizen: Citizen
    lead_department: str | None
    assisting_departments: list[str]
    deadlines: dict[str, datetime]
    # When each deadline turns amber on the workbench: the policy's warning_ratio of its
    # span (a deadline whose start is unknown has none).
    deadline_warnings: dict[str, datetime] = Field(default_factory=dict)
    # Which policy rule set each step's limit: "urgency:<level>", "lane:<fast lane>", or
    # "rework" (发回重办's limit).
    deadline_rules: dict[str, str] = Field(default_factory=dict)
    # 发回重办: re-handled under priority supervision (its reply rule is "rework").
    priority_supervision: bool = False
    overdue: bool
    escalation_level: int
    # The open supervision order's tier (blue → orange → red), and every rung still open.
    supervision_tier: SupervisionTier | None = None
    open_escalations: list[Escalation] = Field(default_factory=list)
    rework_count: int
    return_count: int
    # 挂起: since when the clocks stand still (None: running), and every suspension's total.
    suspended_since: datetime | None = None
    suspended_seconds: int = 0
    suspension_count: int = 0
    handed_back_by_110: int = 0  # times 110 handed it back as not a police matter
    rating: Rating | None
    pending_review: PendingReview | None
    excluded_from_score: bool
    closure_reason: ClosureReason | None
    merged_into: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class TicketCreated(TicketView):
    """The intake answer: the ticket, and the open tickets it may duplicate (并单)."""

    likely_duplicates: list[LikelyDuplicate] = Field(default_factory=list)
