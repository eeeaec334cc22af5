"""Due instants for a ticket: computed in the workflow on its recorded working-day sheet.

Tickets registered since the "register-once-deadlines-in-workflow" patch carry the
holiday calendar as a ``WorkingDaySheet`` (recorded once, by the registration's local
activity), so a deadline costs no activity. Tickets registered before it carry none and
keep asking ``compute_due_instants``, as their histories recorded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from schema.activity_io import DueQuery, WorkingDaysQuery
from schema.working_days import DueItem, SheetTooShort, due_instants, extended
from workflows import activity_calls as calls
from workflows.ticket.state import TicketState

DueFn = Callable[[list[DueItem]], Awaitable[dict[str, datetime]]]
"""What an effect calls for its deadlines: the items in, each item's instant out."""


def due_for(state: TicketState) -> DueFn:
    """The ticket's way of computing due instants, as effects call it."""

    async def due(items: list[DueItem]) -> dict[str, datetime]:
        policy = state.require_policy()
        if state.working_days is None:  # registered before the patch
            query = DueQuery(timezone=policy.timezone, calendar=policy.calendar, items=items)
            return (await calls.compute_due_instants(query)).instants
        while True:
            try:
                return due_instants(items, policy.timezone, state.working_days)
            except SheetTooShort as short:  # a long life: record the calendar further out
                first, last = extended(state.working_days, short.needed)
                state.working_days = await calls.record_working_days(
                    WorkingDaysQuery(calendar=policy.calendar, first=first, last=last)
                )

    return due


async def due_after(due: DueFn, key: str, span: str, start: datetime) -> datetime:
    """One instant ``span`` after ``start``. ``key`` names it in a recorded activity result,
    so a call site keeps its key for as long as its histories must replay."""
    return (await due([DueItem(key=key, span=span, start=start)]))[key]
