"""Kill the worker process mid-ticket: a new one finishes every ticket, each action exactly once."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.ticket import Role
from startup.asgi import create_app
from tests.support.data import intake_json
from tests.support.read_model import ReadModel
from tests.support.stack import asgi_client
from tests.support.worker_processes import WorkerProcesses


@pytest.fixture
def crash_settings(
    base_settings: Settings, sqlite_read_model: ReadModel, dev_server: WorkflowEnvironment
) -> Settings:
    return base_settings.model_copy(
        update={
            "task_queue": f"crash-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
            "temporal_address": dev_server.client.service_client.config.target_host,
            "ticket_prefix": "C",
            "answer_timeout_seconds": 120.0,
        }
    )


@pytest.fixture
def workers(
    crash_settings: Settings, dev_server: WorkflowEnvironment, tmp_path: Path
) -> Iterator[WorkerProcesses]:
    environment = {
        **os.environ,
        "HOTLINE_TEMPORAL_ADDRESS": crash_settings.temporal_address,
        "HOTLINE_TASK_QUEUE": crash_settings.task_queue,
        "DATABASE_URL": crash_settings.resolved_database_url(),
        "HOTLINE_POLICY": str(crash_settings.policy),
        "HOTLINE_DATA_DIR": str(crash_settings.data_dir),
        "HOTLINE_NOTIFY_SENDERS": "database",
        "HOTLINE_ENCRYPTION_KEYS": crash_settings.encryption_keys or "",
        "HOTLINE_LOG_FORMAT": "json",
    }
    processes = WorkerProcesses(dev_server.client, environment, tmp_path)
    yield processes
    if processes.running is not None:
        processes.kill()


@pytest_asyncio.fixture
async def http(
    crash_settings: Settings, dev_server: WorkflowEnvironment
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(crash_settings, client=dev_server.client)
    async with asgi_client(app, timeout=180) as client:
        yield client


async def test_killed_worker_loses_no_action_and_repeats_none(
    workers: WorkerProcesses,
    http: httpx.AsyncClient,
    crash_settings: Settings,
    dev_server: WorkflowEnvironment,
) -> None:
    secret = crash_settings.resolved_jwt_secret()
    agent = {"Authorization": f"Bearer {issue_token(secret, Role.AGENT, sub='a')}"}
    lead = {
        "Authorization": "Bearer "
        + issue_token(secret, Role.DEPARTMENT, sub="d", department="urban-management")
    }

    async def post(path: str, headers: dict[str, str], body: Any = None) -> dict[str, Any]:
        response = await http.post(path, json=body, headers=headers)
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    await workers.start()
    numbers = [(await post("/v1/tickets", agent, intake_json()))["ticket_no"] for _ in range(3)]
    for no in numbers:
        await post(f"/v1/tickets/{no}/sign", lead)

    # 1. The worker dies between actions; actions sent meanwhile wait for the next worker.
    workers.kill()
    replies = [
        asyncio.create_task(
            post(f"/v1/tickets/{no}/reply", lead, {"outcome": "resolved", "content": "done"})
        )
        for no in numbers
    ]
    # A window in which nothing may happen: no worker, so no reply may be answered.
    await asyncio.sleep(0.5)
    assert not any(task.done() for task in replies)
    await workers.start()
    assert [r["status"] for r in await asyncio.gather(*replies)] == ["callback"] * 3

    # 2. The worker dies in the middle of a burst of actions.
    ratings = [
        asyncio.create_task(
            post(f"/v1/tickets/{no}/rating", agent, {"satisfaction": "satisfied", "solved": True})
        )
        for no in numbers
    ]
    # Deliberately short: the kill is to land while the burst is in flight, not after.
    await asyncio.sleep(0.05)
    workers.kill()
    await workers.start()
    assert [r["status"] for r in await asyncio.gather(*ratings)] == ["closed"] * 3

    for no in numbers:
        handle = dev_server.client.get_workflow_handle(f"ticket-{no}")
        assert (await handle.result())["closure_reason"] == "rated"
        history = await handle.fetch_history()
        accepted = [
            e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
            for e in history.events
            if e.HasField("workflow_execution_update_accepted_event_attributes")
        ]
        assert accepted == ["registered", "sign", "reply", "rate"]
        assert not any(
            e.HasField("workflow_execution_failed_event_attributes") for e in history.events
        )
        timeline = await http.get(f"/v1/tickets/{no}/timeline", headers=agent)
        events = timeline.json()["events"]
        assert [e["action"] for e in events] == [
            "received",
            "dispatched",
            "signed",
            "replied",
            "rated",
            "closed",
        ]
        assert [e["seq"] for e in events] == list(range(1, 7))
    assert (workers.started, workers.killed) == (3, 2)
