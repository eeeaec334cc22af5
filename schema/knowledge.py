"""The knowledge base (知识库): an entry's content, its life's states and clocks, and what
each step of that life carries. Pure: the entry's workflow imports it.

An entry is written (draft), submitted to its owning unit's review (in review), approved
by that unit and published by the centre; it answers citizens until it is retired or
its valid-to day passes. A published entry is reviewed every ``review_every_days``: past
that it turns stale on the agent's screen and climbs warning → reminder against its
owner, as a ticket's deadline does. A reader's correction (纠错) is a task for the owner
with a deadline of its own. A revision of a published entry goes through review again;
meanwhile the published version keeps answering.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from schema.ticket import Actor

# KB and a number, after the deployment's ticket prefix (HOTLINE_TICKET_PREFIX) if any.
ENTRY_ID_PATTERN = r"^[A-Z]{0,8}KB[0-9]{6,9}$"


class EntryState(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"  # with its owning unit, then the centre
    PUBLISHED = "published"
    RETIRED = "retired"


class Freshness(StrEnum):
    """Where a published entry stands against its periodic review."""

    CURRENT = "current"
    DUE_SOON = "due_soon"  # the owner is warned: its review falls due soon
    STALE = "stale"  # not reviewed in time: shown as such beside every answer
    REMINDED = "reminded"  # still stale after the reminder's grace: counted against the owner


class EntryContent(BaseModel):
    """What an entry says, as its author wrote it."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=200)
    # How citizens ask it, in their words: search prefers these to the answer.
    questions: list[str] = Field(default_factory=list, max_length=20)
    answer: str = Field(min_length=2, max_length=20_000)
    basis: str = Field(default="", max_length=2000)  # the policy it rests on (政策依据)
    document_no: str = Field(default="", max_length=100)  # 文号, e.g. 舟政办发〔2025〕12号
    categories: list[str] = Field(default_factory=list, max_length=50)
    districts: list[str] = Field(default_factory=list, max_length=50)  # empty: the whole city
    valid_from: date | None = None
    valid_to: date | None = None  # the last day it holds

    @model_validator(mode="after")
    def _checked(self) -> EntryContent:
        if any(not q or len(q) > 200 for q in self.questions):
            raise ValueError("each question is 1 to 200 characters")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to comes before valid_from")
        return self


class KnowledgePolicy(BaseModel):
    """The clocks of the knowledge base (natural days: an entry's life is counted in
    weeks and years, not in a unit's working hours)."""

    model_config = ConfigDict(extra="forbid")

    review_days: int = Field(default=5, ge=1, le=90)  # the owner reviews a submitted entry
    review_every_days: int = Field(default=365, ge=30, le=3650)  # periodic review
    review_warning_days: int = Field(default=30, ge=1, le=365)  # the owner is warned before
    reminder_after_days: int = Field(default=7, ge=1, le=90)  # stale this long: reminded
    expiry_notice_days: int = Field(default=30, ge=1, le=365)  # before valid-to
    correction_days: int = Field(default=5, ge=1, le=90)  # the owner answers a correction


class EntryStart(BaseModel):
    """What an entry's workflow starts from: its first draft, and the clocks it keeps
    (the policy and the instants of its dates are the service's to work out, so the
    workflow reads no calendar)."""

    entry_id: str = Field(pattern=ENTRY_ID_PATTERN)
    owner: str  # the owning unit's code
    author: Actor
    content: EntryContent
    expires_at: datetime | None = None  # the end of valid_to in city time
    rules: KnowledgePolicy = KnowledgePolicy()
    # A run carried over (continue-as-new) goes on from here, writing nothing new.
    carried_over: EntryView | None = None


class EntryStep(StrEnum):
    """What happened to an entry: its history's kinds."""

    CREATED = "created"
    REVISED = "revised"
    SUBMITTED = "submitted"
    APPROVED = "approved"  # by the owning unit
    SENT_BACK = "sent_back"
    PUBLISHED = "published"
    REVIEWED = "reviewed"  # the periodic review: still right
    RETIRED = "retired"
    EXPIRED = "expired"  # valid-to passed
    REVIEW_OVERDUE = "review_overdue"  # the owner's review of a submitted entry is late
    EXPIRY_NOTICE = "expiry_notice"
    REVIEW_DUE_SOON = "review_due_soon"
    STALE = "stale"
    REMINDED = "reminded"
    CORRECTION_RAISED = "correction_raised"
    CORRECTION_ANSWERED = "correction_answered"
    CORRECTION_OVERDUE = "correction_overdue"


class NoteBody(BaseModel):
    """Submit, approve, publish, review: an optional word on the step."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: str = Field(default="", max_length=1000)


class ReasonBody(BaseModel):
    """Send back, retire: why, always."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=2, max_length=1000)


class RevisionBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    content: EntryContent
    why: str = Field(min_length=2, max_length=1000)  # what changed and why, for the history
    expires_at: datetime | None = None  # filled in by the service from content.valid_to


class CorrectionBody(BaseModel):
    """A reader's 纠错: what is wrong with the entry."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=2, max_length=2000)


class CorrectionAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    accepted: bool  # accepted: the owner revises the entry (a revision may come with it)
    note: str = Field(min_length=2, max_length=1000)


class Correction(BaseModel):
    number: int
    raised_by: str
    text: str
    raised_at: datetime
    due_at: datetime
    answered_at: datetime | None = None
    accepted: bool | None = None
    note: str | None = None
    overdue: bool = False

    @property
    def open(self) -> bool:
        return self.answered_at is None


class EntryView(BaseModel):
    """An entry's life as its workflow keeps it."""

    entry_id: str
    owner: str
    state: EntryState
    version: int  # the latest revision
    published_version: int | None = None  # the one that answers, while published
    approved: bool = False  # the owner approved the revision in review
    review_due: datetime | None = None  # the owner's review of the submitted revision
    review_overdue: bool = False
    next_review: datetime | None = None  # the periodic review, while published
    freshness: Freshness = Freshness.CURRENT
    expires_at: datetime | None = None  # of the revision that answers (else the latest)
    pending_expires_at: datetime | None = None  # the latest revision's, until published
    expiry_noticed: bool = False  # the owner was told that valid-to comes
    steps: int = 0  # the history's length, this step included
    corrections: list[Correction] = Field(default_factory=list)


class EntryRecord(BaseModel):
    """One step of an entry's life, as the recording activity writes it: the view after
    it, the step, who took it and why, and the revision's content when it made one."""

    view: EntryView
    step: EntryStep
    at: datetime
    actor: str  # Actor.describe(), or "system" for the clocks
    note: str = ""
    content: EntryContent | None = None  # a new revision (its number is view.version)


def days(n: int) -> timedelta:
    return timedelta(days=n)


EntryStart.model_rebuild()
