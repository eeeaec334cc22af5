"""The citizen's receipt through a worker's SIGKILL and a gateway that is down for a while:
every ticket's receipt reaches the network once, none twice, none lost, and the intake
never waits for the gateway."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.message_tables import StoredCitizenMessage
from schema.ticket import Role
from startup.asgi import create_app
from tests.support.data import intake_json
from tests.support.kannel import Kannel, running_kannel
from tests.support.read_model import ReadModel
from tests.support.stack import free_port, served
from tests.support.waiting import eventually
from tests.support.worker_processes import WorkerProcesses

TOKEN = "kannel-fault-secret"
QUIET_HOURS_OFF = '[sms]\nquiet_from = "00:00:00"\nquiet_until = "00:00:00"\n'


@pytest.fixture
def sms_settings(
    base_settings: Settings,
    sqlite_read_model: ReadModel,
    dev_server: WorkflowEnvironment,
    tmp_path: Path,
) -> Settings:
    policy = tmp_path / "policy.toml"
    policy.write_text(QUIET_HOURS_OFF)
    port = free_port()
    return base_settings.model_copy(
        update={
            "task_queue": f"sms-crash-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
            "temporal_address": dev_server.client.service_client.config.target_host,
            "ticket_prefix": "K",
            "policy": policy,
            "api_port": port,
            "sms_gateway": "kannel",
            "kannel_smsc": "mt",
            "sms_callback_base": f"http://127.0.0.1:{port}",
            "sms_callback_token": TOKEN,
            "answer_timeout_seconds": 120.0,
        }
    )


@pytest.fixture
def kannel(sms_settings: Settings, tmp_path: Path) -> Iterator[Kannel]:
    with running_kannel(tmp_path / "kannel", sms_settings.sms_callback_base, TOKEN) as running:
        yield running


@pytest.fixture
def workers(
    sms_settings: Settings, kannel: Kannel, dev_server: WorkflowEnvironment, tmp_path: Path
) -> Iterator[WorkerProcesses]:
    environment = {
        **os.environ,
        "HOTLINE_TEMPORAL_ADDRESS": sms_settings.temporal_address,
        "HOTLINE_TASK_QUEUE": sms_settings.task_queue,
        "DATABASE_URL": sms_settings.resolved_database_url(),
        "HOTLINE_POLICY": str(sms_settings.policy),
        "HOTLINE_DATA_DIR": str(sms_settings.data_dir),
        "HOTLINE_NOTIFY_SENDERS": "database",
        "HOTLINE_ENCRYPTION_KEYS": sms_settings.encryption_keys or "",
        "HOTLINE_LOG_FORMAT": "json",
        "HOTLINE_SMS_GATEWAY": "kannel",
        "HOTLINE_KANNEL_SENDSMS_URL": kannel.sendsms_url,
        "HOTLINE_KANNEL_USERNAME": kannel.username,
        "HOTLINE_KANNEL_PASSWORD": kannel.password,
        "HOTLINE_KANNEL_SMSC": "mt",
        "HOTLINE_SMS_CALLBACK_BASE": sms_settings.sms_callback_base,
        "HOTLINE_SMS_CALLBACK_TOKEN": TOKEN,
    }
    processes = WorkerProcesses(dev_server.client, environment, tmp_path)
    yield processes
    if processes.running is not None:
        processes.kill()


@pytest_asyncio.fixture
async def http(
    sms_settings: Settings, dev_server: WorkflowEnvironment
) -> AsyncIterator[httpx.AsyncClient]:
    """The API on a real port: Kannel posts its delivery reports there."""
    app = create_app(sms_settings, client=dev_server.client)
    async with (
        served(app, sms_settings.api_port),
        httpx.AsyncClient(base_url=sms_settings.sms_callback_base, timeout=180) as client,
    ):
        yield client


async def test_each_receipt_leaves_once_through_a_worker_kill_and_a_gateway_outage(
    workers: WorkerProcesses,
    kannel: Kannel,
    http: httpx.AsyncClient,
    sms_settings: Settings,
    sqlite_read_model: ReadModel,
) -> None:
    secret = sms_settings.resolved_jwt_secret()
    agent = {"Authorization": f"Bearer {issue_token(secret, Role.AGENT, sub='a')}"}

    async def intake(n: int) -> str:
        body = intake_json(citizen={"name": "王五", "phone": f"1370000{n:04d}"})
        answer = await http.post("/v1/tickets", json=body, headers=agent)
        assert answer.status_code == 201, answer.text
        ticket_no: str = answer.json()["ticket_no"]
        return ticket_no

    await workers.start()
    # 1. A burst of intakes; the worker is killed as the first receipts reach the network.
    burst = [asyncio.create_task(intake(n)) for n in range(12)]
    await eventually(lambda: kannel.received(), within=60, message="no receipt left")
    workers.kill()
    await workers.start()
    numbers = list(await asyncio.gather(*burst))

    # 2. The gateway down: intakes are answered at once; their receipts wait and retry.
    kannel.stop_smsbox()
    numbers += [await intake(n) for n in range(12, 16)]

    async def waiting_for_the_gateway() -> bool:
        rows = await _receipts(sqlite_read_model, numbers[12:])
        return len(rows) == 4 and all(r.attempts >= 1 for r in rows)

    await eventually(waiting_for_the_gateway, within=60, message="no attempt while it was down")
    kannel.start_smsbox()

    async def all_reported() -> bool:
        rows = await _receipts(sqlite_read_model, numbers)
        return len(rows) == len(numbers) and all(r.state == "delivered" for r in rows)

    await eventually(all_reported, within=120, message="not every receipt was delivered")
    sent = Counter(no for sms in kannel.received() for no in numbers if sms.text.find(no) >= 0)
    assert sent == Counter({no: 1 for no in numbers})  # each once: none twice, none lost


async def _receipts(read_model: ReadModel, numbers: list[str]) -> list[Any]:
    async with read_model.sessions() as session:
        rows = await session.scalars(
            select(StoredCitizenMessage).where(
                StoredCitizenMessage.ticket_no.in_(numbers), StoredCitizenMessage.kind == "receipt"
            )
        )
        return list(rows)
