"""The delivery workflow of one SMS, on the time-skipping server with stand-in activities:
quiet hours wait for the morning, a gateway that is down is retried, one that stays down
past a day is given up on and marked so."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from temporalio import activity
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from schema.activity_io import ActivityName
from schema.citizen_messages import CitizenMessage, MessageKind
from worker import sandbox_runner
from workflows.citizen_message import CitizenMessageWorkflow
from workflows.ids import citizen_message_workflow_id

CITY = ZoneInfo("Asia/Shanghai")


class StandInGateway:
    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.sent_at: list[datetime] = []
        self.given_up: list[str] = []

    @activity.defn(name=ActivityName.SEND_CITIZEN_MESSAGE)
    async def send(self, message: CitizenMessage) -> str:
        if activity.info().attempt <= self.failures:
            raise RuntimeError("the gateway is down")
        self.sent_at.append(activity.info().current_attempt_scheduled_time)
        return "sent"

    @activity.defn(name=ActivityName.GIVE_UP_CITIZEN_MESSAGE)
    async def give_up(self, message: CitizenMessage) -> str:
        self.given_up.append(message.id)
        return "failed"


def message(now: datetime, quiet_from: time, quiet_until: time) -> CitizenMessage:
    no = f"T{uuid.uuid4().hex[:10]}"
    return CitizenMessage(
        id=f"{no}:{MessageKind.RECEIPT.value}:1",
        ticket_no=no,
        kind=MessageKind.RECEIPT,
        seq=1,
        at=now,
        quiet_from=quiet_from,
        quiet_until=quiet_until,
    )


async def deliver(env: WorkflowEnvironment, gateway: StandInGateway, sms: CitizenMessage) -> str:
    queue = f"sms-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client,
        task_queue=queue,
        workflows=[CitizenMessageWorkflow],
        activities=[gateway.send, gateway.give_up],
        workflow_runner=sandbox_runner("strict"),  # as the suite runs every workflow
    ):
        state: str = await env.client.execute_workflow(
            CitizenMessageWorkflow.run,
            sms,
            id=citizen_message_workflow_id(sms.id),
            task_queue=queue,
        )
    return state


async def test_a_message_due_in_quiet_hours_waits_for_the_morning(
    skipping_env: WorkflowEnvironment,
) -> None:
    now = (await skipping_env.get_current_time()).astimezone(CITY)
    # Quiet from an hour ago until two hours from now, city time, whatever the hour is.
    start = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(hours=2)).time().replace(second=0, microsecond=0)
    gateway = StandInGateway()
    assert await deliver(skipping_env, gateway, message(now, start, end)) == "sent"
    [sent] = gateway.sent_at
    waited = sent - now.astimezone(UTC)
    assert timedelta(hours=1, minutes=58) <= waited <= timedelta(hours=2, minutes=1)
    assert sent.astimezone(CITY).time().replace(second=0, microsecond=0) == end


async def test_outside_quiet_hours_it_leaves_at_once(skipping_env: WorkflowEnvironment) -> None:
    now = await skipping_env.get_current_time()
    gateway = StandInGateway()
    assert await deliver(skipping_env, gateway, message(now, time(0), time(0))) == "sent"
    assert gateway.sent_at[0] - now < timedelta(minutes=1)


async def test_a_gateway_down_for_a_while_is_retried_until_it_takes_it(
    skipping_env: WorkflowEnvironment,
) -> None:
    now = await skipping_env.get_current_time()
    gateway = StandInGateway(failures=6)  # waits of 5 s, doubling: minutes, not seconds
    assert await deliver(skipping_env, gateway, message(now, time(0), time(0))) == "sent"
    assert len(gateway.sent_at) == 1 and gateway.given_up == []
    assert gateway.sent_at[0] - now >= timedelta(minutes=2)


async def test_a_gateway_down_past_a_day_is_given_up_and_marked(
    skipping_env: WorkflowEnvironment,
) -> None:
    now = await skipping_env.get_current_time()
    gateway = StandInGateway(failures=10_000)
    sms = message(now, time(0), time(0))
    assert await deliver(skipping_env, gateway, sms) == "failed"
    assert gateway.sent_at == [] and gateway.given_up == [sms.id]
