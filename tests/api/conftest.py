"""End-to-end fixtures: a real Temporal dev server, a real worker, the real app, a real database.

The suite runs once on SQLite and once on PostgreSQL (a fresh database on the server
at ``TEST_POSTGRES_URL``), skipped only when no PostgreSQL answers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from startup.asgi import create_app
from tests.support.api_client import Api
from tests.support.read_model import (
    ReadModel,
    drop_postgres_database,
    fresh_postgres_database,
    open_read_model,
    postgres_url,
)
from tests.support.stack import asgi_client
from worker import build_worker


@pytest_asyncio.fixture(scope="session", params=["sqlite", "postgresql"])
async def read_model(
    request: pytest.FixtureRequest, sqlite_read_model: ReadModel
) -> AsyncIterator[ReadModel]:
    if request.param == "sqlite":
        yield sqlite_read_model
        return
    fresh = await fresh_postgres_database()
    if fresh is None:
        pytest.skip(f"no PostgreSQL at {postgres_url()}")
    url, name = fresh
    model = await open_read_model(url)
    yield model
    await model.engine.dispose()
    await drop_postgres_database(name)


@pytest_asyncio.fixture(scope="session")
async def api(
    dev_server: WorkflowEnvironment, read_model: ReadModel, base_settings: Settings
) -> AsyncIterator[Api]:
    settings = base_settings.model_copy(
        update={
            "task_queue": f"api-{uuid.uuid4().hex[:8]}",
            "database_url": read_model.url,
            # Both backends share one dev server: their ticket numbers must not collide.
            "ticket_prefix": "P" if read_model.url.startswith("postgresql") else "S",
        }
    )
    app = create_app(settings, client=dev_server.client)
    async with (
        build_worker(dev_server.client, settings, read_model.sessions),
        asgi_client(app) as http,
    ):
        yield Api(
            http=http,
            temporal=dev_server.client,
            settings=settings,
            read_model=read_model,
            app=app,
        )
