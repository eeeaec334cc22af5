"""What an effect returns besides the state it changed, and the names effects share.

An effect (``handling``, ``delegation``, ``closing``, ``ladder``, ``children``) takes the state, the
instant, the actor, the body and a way to compute due instants (``DueFn``), changes the
state (status, clocks, the timeline, the notices) and returns an ``Outcome``: the
children the workflow must then start or cancel. Effects make no Temporal call of their
own, so tests/units/test_ticket_effects.py runs them without a server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from schema.escalation import (
    DisciplineReferralStart,
    EscalationKind,
    JointMeetingStart,
)
from schema.ticket import Actor, PendingReview, TimelineAction
from workflows.ticket.deadlines import DueFn
from workflows.ticket.news import CENTRE
from workflows.ticket.state import TicketState

SYSTEM = "system"


CITIZEN = "citizen"  # the ticket's citizen, reached by whichever sender carries SMS

# The rungs a step's completion (or a re-dispatch) ends.


STEP_RUNGS = (EscalationKind.WARNING, EscalationKind.REMINDER)


ORDER_RUNGS = (
    EscalationKind.WARNING,
    EscalationKind.REMINDER,
    EscalationKind.SUPERVISION_ORDER,
    EscalationKind.LEADER_SUPERVISION,
)


@dataclass
class Outcome:
    """What an effect leaves for the workflow to do, in this order, after it."""

    children: list[JointMeetingStart | DisciplineReferralStart] = field(default_factory=list)
    cancel: list[str] = field(default_factory=list)  # children's workflow ids


def ask_the_centre(
    s: TicketState,
    now: datetime,
    actor: str,
    review: PendingReview,
    action: TimelineAction,
    message: str,
    **detail: Any,
) -> None:
    """A request the centre decides on (延期, 挂起, a hand-back by 110): pending until it
    does, on the timeline, and in the centre's inbox."""
    s.pending_review = review
    event = s.log(now, actor, action, **detail)
    s.notify(event, CENTRE, message)


Effect = Callable[[TicketState, datetime, Actor, Any, DueFn], Awaitable[Outcome]]
"""An action's effect: (state, now, actor, body, due) → what the workflow does next."""


Check = Callable[[TicketState, Actor, Any, datetime], None]
"""An action's check, the one signature of them all: (state, actor, body, now); raises the
refusal, returns nothing. Each sits beside its effect in its stage module and is
registered with ``@process.check``; it asks ``rules.check_action`` first."""
