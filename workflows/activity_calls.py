"""Typed calls from workflow code to activities, by name.

Calling by name keeps the activity modules (and SQLAlchemy behind them) out of the
workflow sandbox. Everything here is short, so it runs as local activities (recorded
as markers in history, replayed without re-running). Writes retry until they succeed:
an accepted action must reach the read model. ``record_transition`` and
``send_notifications`` are the regular activities tickets used before the
"publish-in-one-local-activity" patch; their histories still replay through them.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

from schema.activity_io import (
    ActivityName,
    DueInstants,
    DueQuery,
    DuplicateClaim,
    DuplicateClaimOutcome,
    Notification,
    Publication,
    Registration,
    RegistrationQuery,
    RouteDecision,
    RouteQuery,
    Transition,
    WorkingDaysQuery,
)
from schema.escalation import LateEscalationNews
from schema.policy import Policy
from schema.working_days import WorkingDaySheet

_LOCAL_TIMEOUT = timedelta(seconds=10)
# Short, so that a write lost with a killed worker is retried elsewhere within seconds.
_WRITE_TIMEOUT = timedelta(seconds=10)
# Writes never give up: an accepted action must reach the read model, even after an outage.
_WRITE_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)


async def _read(name: ActivityName, query: BaseModel, result_type: Any) -> Any:
    """A short local activity that reads (the policy, the catalogue, the calendar)."""
    return await workflow.execute_local_activity(
        name, query, result_type=result_type, start_to_close_timeout=_LOCAL_TIMEOUT
    )


async def register_ticket(query: RegistrationQuery) -> Registration:
    registration: Registration = await _read(ActivityName.REGISTER_TICKET, query, Registration)
    return registration


async def record_working_days(query: WorkingDaysQuery) -> WorkingDaySheet:
    sheet: WorkingDaySheet = await _read(ActivityName.RECORD_WORKING_DAYS, query, WorkingDaySheet)
    return sheet


async def load_policy() -> Policy:
    return await workflow.execute_local_activity(
        ActivityName.LOAD_POLICY, result_type=Policy, start_to_close_timeout=_LOCAL_TIMEOUT
    )


async def route_request(query: RouteQuery) -> RouteDecision | None:
    route: RouteDecision | None = await _read(
        ActivityName.ROUTE_REQUEST, query, RouteDecision | None
    )
    return route


async def compute_due_instants(query: DueQuery) -> DueInstants:
    instants: DueInstants = await _read(ActivityName.COMPUTE_DUE_INSTANTS, query, DueInstants)
    return instants


async def publish_transition(publication: Publication) -> None:
    """Read model and notifications in one local activity: no extra task round trip."""
    await workflow.execute_local_activity(
        ActivityName.PUBLISH_TRANSITION,
        publication,
        start_to_close_timeout=_WRITE_TIMEOUT,
        retry_policy=_WRITE_RETRY,
    )


async def record_late_escalation_news(late: LateEscalationNews) -> None:
    """A child's news for a ticket that has closed, written into the read model."""
    await workflow.execute_local_activity(
        ActivityName.RECORD_LATE_ESCALATION_NEWS,
        late,
        start_to_close_timeout=_WRITE_TIMEOUT,
        retry_policy=_WRITE_RETRY,
    )


async def claim_duplicate(claim: DuplicateClaim) -> DuplicateClaimOutcome:
    """Ask the ticket a duplicate merges into to take it: a regular activity, since it waits
    on another workflow; retried until that workflow answers yes or no."""
    return await workflow.execute_activity(
        ActivityName.CLAIM_DUPLICATE,
        claim,
        result_type=DuplicateClaimOutcome,
        start_to_close_timeout=timedelta(seconds=30),
        retry_policy=_WRITE_RETRY,
    )


async def record_transition(transition: Transition) -> None:
    await workflow.execute_activity(
        ActivityName.RECORD_TRANSITION,
        transition,
        start_to_close_timeout=_WRITE_TIMEOUT,
        retry_policy=_WRITE_RETRY,
    )


async def send_notifications(notifications: list[Notification]) -> None:
    await workflow.execute_activity(
        ActivityName.SEND_NOTIFICATIONS,
        notifications,
        start_to_close_timeout=_WRITE_TIMEOUT,
        retry_policy=_WRITE_RETRY,
    )
