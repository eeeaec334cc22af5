"""How a workflow refuses an action, in words the API turns into an HTTP status: an
``ApplicationError`` whose ``type`` is a ``RefusalType``. The ticket, its children and
the API's gateway import it from here. Pure.

Every refusal also carries a stable ``Reason`` and its parameters in the error's
``details`` (``{"reason", "params"}``): the English message is for integrators, the
reason is what the workbench says in the user's language (web/refusal_words.py). The
parameters are plain strings and numbers: codes (departments, statuses, actions) and ISO
instants or dates, which the page names and puts in city time."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NoReturn

from temporalio.exceptions import ApplicationError

Params = dict[str, str | int | list[str]]


class RefusalType(StrEnum):
    INVALID_STATE = "InvalidState"  # 409
    FORBIDDEN = "Forbidden"  # 403
    INVALID_INPUT = "InvalidInput"  # 422


class Reason(StrEnum):
    """Why an action was refused: one member per distinct refusal the workflows raise.
    A value is an API contract (``error.reason``): add new ones, never rename."""

    # Who may act (rules.py)
    ROLE_MAY_NOT = "role_may_not"
    NOT_THE_LEAD = "not_the_lead"
    NOT_ASSISTING = "not_assisting"
    NOT_INVOLVED = "not_involved"
    NOT_ON_CHAIN = "not_on_chain"
    NOT_YOUR_TURN = "not_your_turn"
    # The ticket's state
    STILL_REGISTERING = "still_registering"
    STATUS_NOT_ALLOWED = "status_not_allowed"
    REVIEW_PENDING = "review_pending"
    BEING_MERGED = "being_merged"
    PARTS_NOT_GIVEN = "parts_not_given"
    # Suspension
    NOT_A_SUSPENSION_REASON = "not_a_suspension_reason"
    RESUME_IN_PAST = "resume_in_past"
    NO_SUSPENSION_REQUEST = "no_suspension_request"
    # Dispatch, return, parts
    LEAD_ALSO_ASSISTING = "lead_also_assisting"
    RETURN_NEEDS_LEAD = "return_needs_lead"
    SAME_LEAD_AGAIN = "same_lead_again"
    RETURN_WINDOW_CLOSED = "return_window_closed"
    PART_GIVEN_ALREADY = "part_given_already"
    PART_CLOSED_UNANSWERED = "part_closed_unanswered"
    NO_PART_ASKED = "no_part_asked"
    # Passing down
    REPLY_BY_IN_PAST = "reply_by_in_past"
    OWN_DEADLINE_PASSED = "own_deadline_passed"
    REPLY_BY_AFTER_DEADLINE = "reply_by_after_deadline"
    UNIT_ON_TICKET = "unit_on_ticket"
    PASSED_DOWN_TOO_DEEP = "passed_down_too_deep"
    SIGNED_ALREADY = "signed_already"
    SIGN_BEFORE_REPLY_UP = "sign_before_reply_up"
    PARTS_USED_LEAD_ONLY = "parts_used_lead_only"
    BELOW_DEADLINE_PASSED = "below_deadline_passed"
    # Extension
    EXTENSION_TOO_LATE = "extension_too_late"
    EXTENSION_OVER_CAP = "extension_over_cap"
    NO_EXTENSION_REQUEST = "no_extension_request"
    # Children: meetings and referrals
    MEETING_STILL_OPEN = "meeting_still_open"
    ALREADY_REFERRED = "already_referred"
    NO_LEAD_TO_REFER = "no_lead_to_refer"
    CHILD_ROLE = "child_role"
    NOT_SUMMONED = "not_summoned"
    REPORTED_ALREADY = "reported_already"
    MEETING_CLOSED = "meeting_closed"
    REFERRAL_ACKNOWLEDGED = "referral_acknowledged"
    OUTCOME_RECORDED = "outcome_recorded"
    # Closing
    SIGN_BEFORE_REPLY = "sign_before_reply"
    SIGN_BEFORE_PROGRESS = "sign_before_progress"
    ALREADY_RATED = "already_rated"
    NO_UNSATISFIED_RATING = "no_unsatisfied_rating"
    MERGE_INTO_ITSELF = "merge_into_itself"
    # Supervision
    DUE_NOT_IN_FUTURE = "due_not_in_future"
    DUE_TOO_FAR = "due_too_far"
    LEADER_SUPERVISION_OPEN = "leader_supervision_open"
    LEADER_ONLY_AFTER_RED = "leader_only_after_red"
    NO_UNIT_TO_SUPERVISE = "no_unit_to_supervise"
    ESCALATED_ALREADY = "escalated_already"
    # Duplicates merging in
    MERGE_INTO_CLOSED = "merge_into_closed"
    MERGING_ITSELF = "merging_itself"
    # Files a step must carry
    PHOTO_REQUIRED = "photo_required"
    # Knowledge entries (workflows.knowledge_entry)
    NOT_THE_OWNER = "not_the_owner"
    ENTRY_STATE = "entry_state"
    ENTRY_APPROVED_ALREADY = "entry_approved_already"
    ENTRY_NOT_APPROVED = "entry_not_approved"
    NO_SUCH_CORRECTION = "no_such_correction"
    CORRECTION_ANSWERED = "correction_answered"
    TOO_MANY_CORRECTIONS = "too_many_corrections"


@dataclass(frozen=True)
class Said:
    """A refusal before it is raised: its English message, its reason, its parameters."""

    message: str
    reason: Reason
    params: Params = field(default_factory=dict)


def details_of(reason: Reason, params: Params) -> dict[str, object]:
    return {"reason": reason.value, "params": params}


def refuse(
    kind: RefusalType, message: str, reason: Reason, /, **params: str | int | list[str]
) -> NoReturn:
    raise ApplicationError(
        message, details_of(reason, dict(params)), type=kind.value, non_retryable=True
    )


def refuse_said(kind: RefusalType, said: Said) -> NoReturn:
    refuse(kind, said.message, said.reason, **said.params)
