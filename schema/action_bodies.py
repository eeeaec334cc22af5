"""The bodies of the ticket's actions (docs/api.md): what the API, the pages and the
workflow's updates and signals take. Each is a workflow payload: a field renamed or removed
breaks histories, so bodies only gain optional fields."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, field_validator

from schema.attachments import AttachmentRef, attachments_field
from schema.body import (
    DEPARTMENT_REFERENCE_PATTERN,
    Body,
    DepartmentReference,
    distinct_departments,
    text_field,
)
from schema.ticket import Channel, ReplyOutcome, Satisfaction


class AnswerBody(Body):
    """Answered on the spot by the agent (直接办结)."""

    content: str = text_field()


class Transfer110Body(Body):
    reason: str = text_field()


class ReopenBody(Body):
    """市民再次来电: the citizen calls again about a ticket closed not long ago."""

    description: str = text_field()
    channel: Channel = Channel.PHONE


class PoliceAcceptBody(Body):
    """110 takes a transferred ticket (recorded by the 110 integration or an agent)."""

    incident_no: str | None = Field(default=None, max_length=40)  # 警情编号
    note: str | None = Field(default=None, max_length=4000)


class PoliceHandBackBody(Body):
    """110 hands a transferred ticket back: not a police matter (非警务)."""

    reason: str = text_field()


class RejectBody(Body):
    """Out of scope (不予受理): litigation, petitions in another channel, secrets."""

    reason: str = text_field()


class DispatchBody(Body):
    lead: str = Field(pattern=DEPARTMENT_REFERENCE_PATTERN)
    assisting: list[DepartmentReference] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=4000)

    @field_validator("assisting")
    @classmethod
    def _distinct(cls, codes: list[str]) -> list[str]:
        return distinct_departments(codes)


class SignBody(Body):
    note: str | None = Field(default=None, max_length=4000)


class ReturnBody(Body):
    """退单: a unit that holds a ticket outside its remit says why, and on what legal basis."""

    reason: str = text_field()
    legal_basis: str = text_field()
    attachments: list[AttachmentRef] = attachments_field()


class ReturnReviewBody(Body):
    accept: bool
    lead: str | None = Field(default=None, pattern=DEPARTMENT_REFERENCE_PATTERN)
    assisting: list[DepartmentReference] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=4000)


class ProgressBody(Body):
    """阶段性答复: an interim report."""

    content: str = text_field()
    attachments: list[AttachmentRef] = attachments_field()


class ExtensionBody(Body):
    working_days: int = Field(ge=1, le=60)
    reason: str = text_field()


class ExtensionReviewBody(Body):
    approve: bool
    note: str | None = Field(default=None, max_length=4000)


class SuspensionBody(Body):
    """挂起 / 中止办理: the lead asks the centre to stop the clock."""

    reason: str = text_field(200)  # one of the policy's [suspension] reasons
    expected_resume: date  # when the lead expects to go on (the citizen's materials, …)
    note: str | None = Field(default=None, max_length=4000)
    attachments: list[AttachmentRef] = attachments_field()


class SuspensionReviewBody(Body):
    approve: bool
    note: str | None = Field(default=None, max_length=4000)


class ResumeBody(Body):
    note: str | None = Field(default=None, max_length=4000)
    attachments: list[AttachmentRef] = attachments_field()  # the citizen's materials


class ReplyBody(Body):
    outcome: ReplyOutcome
    content: str = text_field()
    # The assisting departments whose parts (协办意见) the reply draws on.
    parts_used: list[str] = Field(default_factory=list, max_length=20)
    attachments: list[AttachmentRef] = attachments_field()


class AssistingPartBody(Body):
    """协办意见: an assisting department's part, owed to the lead."""

    content: str = text_field()
    attachments: list[AttachmentRef] = attachments_field()


class DelegateBody(Body):
    """二级派单: the unit that holds the ticket passes it to a unit below it in the
    hierarchy, to reply up by the end of ``reply_by`` (inside its own reply deadline)."""

    unit: str = Field(pattern=DEPARTMENT_REFERENCE_PATTERN)
    reply_by: date
    note: str | None = Field(default=None, max_length=4000)


class DelegatedReturnBody(Body):
    """The unit below hands the ticket back up: not its remit, with the reason."""

    reason: str = text_field()


class DelegatedReplyBody(Body):
    """The unit below reports its result up, for the unit above to review."""

    outcome: ReplyOutcome
    content: str = text_field()
    attachments: list[AttachmentRef] = attachments_field()


class DelegatedReviewBody(Body):
    """The unit above accepts the reply from below (the lead: as the ticket's reply) or
    sends it back down, by ``reply_by`` when given (else the deadline it had)."""

    accept: bool
    note: str | None = Field(default=None, max_length=4000)
    reply_by: date | None = None
    # When the lead accepts: the assisting departments' parts (协办意见) the reply draws on.
    parts_used: list[str] = Field(default_factory=list, max_length=20)


class DepartmentReplySignal(ReplyBody):
    """The ``department_reply`` signal: a reply posted straight to Temporal."""

    department: str = Field(pattern=DEPARTMENT_REFERENCE_PATTERN)
    sub: str = "signal"


class RatingBody(Body):
    satisfaction: Satisfaction
    solved: bool
    comment: str | None = Field(default=None, max_length=4000)


class RatingReviewBody(Body):
    reasonable: bool
    note: str | None = Field(default=None, max_length=4000)


class MergeBody(Body):
    into: str = Field(min_length=1, max_length=40)


class WithdrawBody(Body):
    reason: str | None = Field(default=None, max_length=4000)


class DuplicateMergedSignal(BaseModel):
    """Sent to the earlier ticket when a duplicate is merged into it (并单)."""

    duplicate_ticket_no: str
    actor: str
