"""Before the "progress-needs-the-signature" patch: 阶段性答复 (progress) was accepted
while the ticket was still dispatched, before the lead signed for it. With the patch a
progress report follows the signature (``handling.check_progress``).

Only the handler's second check can meet the difference in a recorded history (a
validator's refusal never enters history): a report the old check accepted replays as
accepted.
"""

from __future__ import annotations

from datetime import datetime

from schema.action_bodies import ProgressBody
from schema.ticket import Actor
from workflows.ticket import rules
from workflows.ticket.state import TicketState

PATCH = "progress-needs-the-signature"
ACTION = "progress"


def check_before_the_signature(
    state: TicketState, actor: Actor, body: ProgressBody, now: datetime
) -> None:
    rules.check_action(ACTION, state, actor)
