"""Activities that record the policy and the holiday calendar for ticket workflows.

Tickets registered since the "register-once-deadlines-in-workflow" patch compute their
due instants themselves, on the ``WorkingDaySheet`` recorded here; ``load_policy`` and
``compute_due_instants`` serve the tickets registered before it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.working_calendar import WorkingCalendar
from schema.activity_io import ActivityName, DueInstants, DueQuery, WorkingDaysQuery
from schema.policy import CalendarOverrides, Policy
from schema.policy_file import read_policy
from schema.working_days import (
    SHEET_DAYS,
    SheetTooShort,
    WorkingDaySheet,
    due_instants,
    extended,
)


def policy_from(path: Path | None) -> Policy:
    try:
        return read_policy(path)
    except (OSError, ValueError) as problem:
        # Retrying cannot fix a broken file; the operator must. The ticket waits.
        raise ApplicationError(f"deadline policy unreadable: {problem}") from problem


@lru_cache(maxsize=16)
def _recorded(overrides: str, first: date, last: date) -> WorkingDaySheet:
    return WorkingCalendar(CalendarOverrides.model_validate_json(overrides)).sheet(first, last)


def sheet_between(overrides: CalendarOverrides, first: date, last: date) -> WorkingDaySheet:
    """The calendar from ``first`` to ``last``, worked out once per process: every ticket
    registered on a day asks for the same sheet, and one costs ≈15 ms to work out."""
    return _recorded(overrides.model_dump_json(), first, last)


def sheet_from(overrides: CalendarOverrides, first: date) -> WorkingDaySheet:
    return sheet_between(overrides, first, first + timedelta(days=SHEET_DAYS))


class DeadlineActivities:
    def __init__(self, policy_path: Path | None) -> None:
        self._policy_path = policy_path

    @activity.defn(name=ActivityName.RECORD_WORKING_DAYS)
    async def record_working_days(self, query: WorkingDaysQuery) -> WorkingDaySheet:
        return sheet_between(query.calendar, query.first, query.last)

    @activity.defn(name=ActivityName.LOAD_POLICY)
    async def load_policy(self) -> Policy:
        return policy_from(self._policy_path)

    @activity.defn(name=ActivityName.COMPUTE_DUE_INSTANTS)
    async def compute_due_instants(self, query: DueQuery) -> DueInstants:
        starts = [item.start for item in query.items if item.start is not None]
        first = min(starts).date() - timedelta(days=1) if starts else date.min
        sheet = sheet_from(query.calendar, first)
        while True:
            try:
                instants: dict[str, datetime] = due_instants(query.items, query.timezone, sheet)
            except SheetTooShort as short:
                sheet = sheet_between(query.calendar, *extended(sheet, short.needed))
            except ValueError as problem:
                raise ApplicationError(str(problem), non_retryable=True) from problem
            else:
                return DueInstants(instants=instants)
