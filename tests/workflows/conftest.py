"""Workflow tests run on the time-skipping test server: a 7-day deadline takes milliseconds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from tests.support.read_model import ReadModel
from tests.support.stack import start_test_server
from tests.support.tickets import Tickets
from worker import build_worker


@pytest_asyncio.fixture(scope="session")
async def skipping_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_test_server()
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def tickets(
    skipping_env: WorkflowEnvironment, sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Tickets]:
    settings = base_settings.model_copy(
        update={
            "task_queue": f"tickets-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
        }
    )
    async with build_worker(skipping_env.client, settings, sqlite_read_model.sessions):
        yield Tickets(env=skipping_env, settings=settings, read_model=sqlite_read_model)


@pytest_asyncio.fixture
async def isolated_tickets(
    sqlite_read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Tickets]:
    """Tickets on a time-skipping server of their own. The test server stops skipping time
    for good once an abandoned child completes after its parent (a referral outliving its
    ticket), so such a test must not share the session's server."""
    env = await start_test_server()
    settings = base_settings.model_copy(
        update={
            "task_queue": f"isolated-{uuid.uuid4().hex[:8]}",
            "database_url": sqlite_read_model.url,
        }
    )
    async with build_worker(env.client, settings, sqlite_read_model.sessions):
        yield Tickets(env=env, settings=settings, read_model=sqlite_read_model)
    await env.shutdown()


@pytest_asyncio.fixture(autouse=True)
async def end_tickets_after_each_test(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    yield
    if "tickets" in request.fixturenames:
        await request.getfixturevalue("tickets").end_opened()
