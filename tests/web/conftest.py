"""The workbench served for real (uvicorn on a free port, the dev server, a worker, SQLite)
and a real Chromium driving it: Debian's, never a downloaded one."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import async_playwright
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from startup.asgi import create_app
from tests.support.browser import CHROMIUM, Workbench
from tests.support.read_model import ReadModel
from tests.support.stack import free_port
from tests.support.waiting import eventually
from worker import build_worker


@pytest_asyncio.fixture(scope="session")
async def workbench(
    dev_server: WorkflowEnvironment, sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Workbench]:
    if not await asyncio.to_thread(CHROMIUM.exists):
        if os.environ.get("CI"):  # CI installs it (.ci/run): there the tests must run
            pytest.fail("no Chromium at /usr/bin/chromium in CI")
        pytest.skip("no Chromium at /usr/bin/chromium (apt-get install chromium)")
    port = free_port()
    settings = base_settings.model_copy(
        update={
            "task_queue": f"web-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
            "ticket_prefix": "W",
            "api_port": port,
            "doctor_read_model_grace_seconds": 0,  # the 运行诊断 page's lagging row, at once
        }
    )
    app = create_app(settings, client=dev_server.client)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    # uvicorn offers no event to wait on: its flag is polled.
    await eventually(lambda: server.started, within=30, message="uvicorn never started")
    try:
        async with (
            build_worker(dev_server.client, settings, sqlite_read_model.sessions),
            async_playwright() as playwright,
        ):
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM))
            yield Workbench(f"http://127.0.0.1:{port}", browser, sqlite_read_model)
            await browser.close()
    finally:
        server.should_exit = True
        await serving
