"""The workbench served for real (uvicorn on a free port, the dev server, a worker, SQLite)
and a real Chromium driving it: Debian's, never a downloaded one."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn
from playwright.async_api import Browser, Page, async_playwright
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from schema.ticket import Role
from services.accounts import add_user
from startup.asgi import create_app
from tests.conftest import ReadModel
from tests.support import free_port
from worker import build_worker

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
PASSWORD = "a password for the browser tests"


@dataclass
class Workbench:
    url: str
    browser: Browser
    read_model: ReadModel

    async def account(self, role: Role, department: str | None = None) -> str:
        username = f"{role.value}-{uuid.uuid4().hex[:6]}"
        await add_user(
            self.read_model.sessions,
            username=username,
            display_name={Role.AGENT: "王话务", Role.DEPARTMENT: "李承办"}.get(role, username),
            role=role,
            password=PASSWORD,
            department=department,
        )
        return username

    async def signed_in(self, username: str, password: str = PASSWORD) -> Page:
        """A fresh browser (its own cookies) that has signed in, or tried to."""
        page = await (
            await self.browser.new_context(
                locale="zh-CN",
                viewport={"width": 1366, "height": 768},  # a clerk's screen
            )
        ).new_page()
        await page.goto(f"{self.url}/sign-in")
        await page.fill("input[name=username]", username)
        await page.fill("input[name=password]", password)
        await page.click("button[type=submit]")
        await page.wait_for_load_state()
        return page


async def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


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
        }
    )
    app = create_app(settings, client=dev_server.client)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no event to wait on)
        await asyncio.sleep(0.05)
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
