"""One SMS to a ticket's citizen, from queued to handed to the gateway.

Its workflow id is the message's (workflows.ids), fixed by the ticket's history, so the
message is queued once however often its publication runs. Quiet hours are a durable
timer; the gateway being down is the send activity's retries, with backoff, for up to a
day: a worker or server killed meanwhile loses nothing, and the ticket never waits on it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

from schema.activity_io import ActivityName
from schema.citizen_messages import CitizenMessage, wait_for_quiet_hours

# An attempt is one HTTP call to the gateway; a killed worker's attempt is retried after it.
_ATTEMPT = timedelta(seconds=30)
_GIVE_UP_AFTER = timedelta(days=1)
_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=5),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)


@workflow.defn(name="CitizenMessage")
class CitizenMessageWorkflow:
    @workflow.run
    async def run(self, message: CitizenMessage) -> str:
        wait = wait_for_quiet_hours(message, workflow.now())
        if wait > timedelta(0):
            await workflow.sleep(wait)
        try:
            state: str = await workflow.execute_activity(
                ActivityName.SEND_CITIZEN_MESSAGE,
                message,
                result_type=str,
                start_to_close_timeout=_ATTEMPT,
                schedule_to_close_timeout=_GIVE_UP_AFTER,
                retry_policy=_RETRY,
            )
        except ActivityError:
            state = await workflow.execute_activity(
                ActivityName.GIVE_UP_CITIZEN_MESSAGE,
                message,
                result_type=str,
                start_to_close_timeout=_ATTEMPT,
                retry_policy=RetryPolicy(maximum_interval=timedelta(minutes=1)),
            )
        return state
