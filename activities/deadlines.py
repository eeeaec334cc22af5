"""Activities that record the policy and the holiday calendar for ticket workflows.

Tickets registered since the "register-once-deadlines-in-workflow" patch compute their
due instants themselves, on the ``WorkingDaySheet`` recorded here; ``load_policy`` and
``compute_due_instants`` serve the tickets registered before it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.working_calendar import WorkingCalendar
from schema.activity_io import ActivityName, DueInstants, DueQuery, WorkingDaysQuery
from schema.policy import Policy
from schema.policy_file import read_policy
from schema.working_days import SHEET_DAYS, SheetTooShort, WorkingDaySheet, due_instants


def policy_from(path: Path | None) -> Policy:
    try:
        return read_policy(path)
    except (OSError, ValueError) as problem:
        # Retrying cannot fix a broken file; the operator must. The ticket waits.
        raise ApplicationError(f"deadline policy unreadable: {problem}") from problem


def sheet_from(calendar: WorkingCalendar, first: date) -> WorkingDaySheet:
    return calendar.sheet(first, first + timedelta(days=SHEET_DAYS))


class DeadlineActivities:
    def __init__(self, policy_path: Path | None) -> None:
        self._policy_path = policy_path

    @activity.defn(name=ActivityName.RECORD_WORKING_DAYS)
    async def record_working_days(self, query: WorkingDaysQuery) -> WorkingDaySheet:
        return WorkingCalendar(query.calendar).sheet(query.first, query.last)

    @activity.defn(name=ActivityName.LOAD_POLICY)
    async def load_policy(self) -> Policy:
        return policy_from(self._policy_path)

    @activity.defn(name=ActivityName.COMPUTE_DUE_INSTANTS)
    async def compute_due_instants(self, query: DueQuery) -> DueInstants:
        calendar = WorkingCalendar(query.calendar)
        starts = [item.start for item in query.items if item.start is not None]
        sheet = sheet_from(calendar, min(starts).date() - timedelta(days=1) if starts else date.min)
        while True:
            try:
                instants: dict[str, datetime] = due_instants(query.items, query.timezone, sheet)
            except SheetTooShort as short:
                sheet = calendar.sheet(sheet.first, short.needed + timedelta(days=SHEET_DAYS))
            except ValueError as problem:
                raise ApplicationError(str(problem), non_retryable=True) from problem
            else:
                return DueInstants(instants=instants)
