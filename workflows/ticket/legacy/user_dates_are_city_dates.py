"""Before the "user-dates-are-city-dates" patch: a suspension's ``expected_resume`` was
checked against the UTC date, so between 00:00 and 08:00 in the city yesterday passed as
"not past". With the patch it is checked against the city's date, as every date a user
gives is (``rules.city_today``).

Only the handler's second check can meet the difference in a recorded history (a
validator's refusal never enters history): an update the old check accepted replays as
accepted.
"""

from __future__ import annotations

from datetime import datetime

from schema.action_bodies import SuspensionBody
from schema.ticket import Actor
from workflows.ticket import suspension
from workflows.ticket.state import TicketState

PATCH = "user-dates-are-city-dates"
ACTION = "suspend"


def check_on_the_utc_date(
    state: TicketState, actor: Actor, body: SuspensionBody, now: datetime
) -> None:
    suspension.check_suspension(state, actor, body, now, today=now.date())
