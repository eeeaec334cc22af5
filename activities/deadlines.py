"""Activities that turn the policy into due instants, so workflows never read a calendar."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.working_calendar import WorkingCalendar, add_span
from schema.activity_io import ActivityName, DueInstants, DueQuery
from schema.policy import Policy


def read_policy(path: Path | None) -> Policy:
    """The policy file, or the built-in defaults when none is configured."""
    if path is None:
        return Policy()
    with path.open("rb") as handle:
        return Policy.model_validate(tomllib.load(handle))


class DeadlineActivities:
    def __init__(self, policy_path: Path | None) -> None:
        self._policy_path = policy_path

    @activity.defn(name=ActivityName.LOAD_POLICY)
    async def load_policy(self) -> Policy:
        try:
            return read_policy(self._policy_path)
        except (OSError, ValueError) as problem:
            # Retrying cannot fix a broken file; the operator must. The ticket waits.
            raise ApplicationError(f"deadline policy unreadable: {problem}") from problem

    @activity.defn(name=ActivityName.COMPUTE_DUE_INSTANTS)
    async def compute_due_instants(self, query: DueQuery) -> DueInstants:
        calendar = WorkingCalendar(query.calendar)
        instants: dict[str, datetime] = {}
        for item in query.items:
            start = instants[item.after] if item.after else item.start
            if start is None:
                raise ApplicationError(f"due item {item.key!r} has no start", non_retryable=True)
            instants[item.key] = add_span(start, item.span, query.timezone, calendar)
        return DueInstants(instants=instants)
