"""Whether the ticket's state lets an action be taken now, whatever its body.

One answer for two readers: the ticket workflow's checks refuse with it (409, its words
after the ticket's state), and the ticket page offers an action only where it says
nothing (``applies``), so the panel shows exactly what the workflow would take. It reads
what the workflow's state and the read model's ``TicketView`` both carry. What depends
on the body (a return's window, a delegated reply's new deadline, the parts used) and on
the clock stays with each action's own check. Pure.
"""

from __future__ import annotations

from typing import Protocol

from schema.ticket import (
    Actor,
    Delegation,
    DelegationStage,
    PendingReview,
    Rating,
    TicketStatus,
    TicketView,
)
from workflows.refusals import Reason, Said
from workflows.ticket.rules import offered, refuse_in_state
from workflows.ticket.state import TicketState

# The requests that wait for any review the centre owes first (``check_no_review_pending``).
WAIT_FOR_THE_CENTRE = frozenset({"extension", "suspend", "return", "reply"})

# The centre's reviews, each offered only while its request is pending.
REVIEWS = {
    "extension-review": (
        PendingReview.EXTENSION,
        Said("it has no extension request", Reason.NO_EXTENSION_REQUEST),
    ),
    "suspension-review": (
        PendingReview.SUSPENSION,
        Said("it has no suspension request", Reason.NO_SUSPENSION_REQUEST),
    ),
    "rating-review": (
        PendingReview.RATING,
        Said("it has no unsatisfied rating to review", Reason.NO_UNSATISFIED_RATING),
    ),
}


class TicketNow(Protocol):
    """What this module reads of a ticket: its workflow state or its read-model view."""

    status: TicketStatus
    pending_review: PendingReview | None
    rating: Rating | None
    delegations: list[Delegation]


def awaiting_review(ticket: TicketNow, action: str) -> Said | None:
    if ticket.pending_review is None:
        return None
    return Said(
        f"it awaits the centre's {ticket.pending_review} review; '{action}' must wait for it",
        Reason.REVIEW_PENDING,
        {"review": str(ticket.pending_review), "action": action},
    )


def not_now(action: str, ticket: TicketNow) -> Said | None:
    """Why the ticket's state refuses ``action`` now, or None when it may be taken."""
    if action in ("progress", "reply") and ticket.status is TicketStatus.DISPATCHED:
        return signature_first(action)
    if action in WAIT_FOR_THE_CENTRE:
        return awaiting_review(ticket, action)
    if action in REVIEWS:
        pending, why = REVIEWS[action]
        return None if ticket.pending_review is pending else why
    if action == "rating" and ticket.rating is not None:
        return Said("it is already rated; the centre reviews the rating", Reason.ALREADY_RATED)
    below = ticket.delegations[-1] if ticket.delegations else None
    signed = below is not None and below.stage is not DelegationStage.TO_SIGN
    if below is not None and action == "delegated-sign" and signed:
        return Said(
            f"'{below.unit}' has signed for it already",
            Reason.SIGNED_ALREADY,
            {"department": below.unit},
        )
    if below is not None and action == "delegated-reply" and not signed:
        return Said(
            f"'{below.unit}' signs for it before replying up",
            Reason.SIGN_BEFORE_REPLY_UP,
            {"department": below.unit},
        )
    return None


def signature_first(action: str) -> Said:
    if action == "reply":
        return Said("sign it before replying", Reason.SIGN_BEFORE_REPLY)
    return Said(
        "the lead department has not signed for it yet; a progress report follows the signature",
        Reason.SIGN_BEFORE_PROGRESS,
    )


def check_now(action: str, state: TicketState) -> None:
    """The workflow's side: refuse (409) what ``not_now`` says the state refuses."""
    why = not_now(action, state)
    if why is not None:
        refuse_in_state(state, why.message, why.reason, **why.params)


def applies(action: str, actor: Actor, ticket: TicketView) -> bool:
    """What the ticket page offers: the actor may try it (``offered``: role, scope,
    status) and the ticket's state would take it now."""
    return offered(action, actor, ticket) and not_now(action, ticket) is None
