"""End-to-end fixtures: a real Temporal dev server, a real worker, the real app, a real database.

The suite runs once on SQLite and once on PostgreSQL (a fresh database on the server
at ``TEST_POSTGRES_URL``), skipped only when no PostgreSQL answers.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI
from sqlalchemy.engine.url import make_url
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.ticket import Role
from startup.asgi import create_app
from startup.demo_city import new_district_government
from tests.conftest import ReadModel, open_read_model
from tests.support import asgi_client, intake_json, postgres_url
from worker import build_worker


async def _admin_connection() -> asyncpg.Connection:
    url = make_url(postgres_url())
    return await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=3,
    )


async def fresh_postgres_database() -> tuple[str, str] | None:
    """(url of a new empty database, its name), or None when no PostgreSQL answers."""
    name = f"hotline_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await _admin_connection()
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return None
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(postgres_url()).set(database=name)
    return url.render_as_string(hide_password=False), name


async def drop_postgres_database(name: str) -> None:
    admin = await _admin_connection()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


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


@dataclass
class Api:
    """The app over ASGI, with a token per role and helpers for the common calls."""

    http: httpx.AsyncClient
    temporal: Client
    settings: Settings
    read_model: ReadModel
    app: FastAPI

    def client_from(self, address: str) -> httpx.AsyncClient:
        """Another client of the same running app, as if from ``address``."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))
        return httpx.AsyncClient(transport=transport, base_url="http://hotline.test")

    def token(
        self,
        role: Role,
        department: str | None = None,
        ttl: timedelta = timedelta(hours=1),
        *,
        sub: str | None = None,
        speaks_for: frozenset[str] = frozenset(),
    ) -> dict[str, str]:
        secret = self.settings.resolved_jwt_secret()
        token = issue_token(
            secret,
            role,
            sub=sub or f"test-{role.value}",
            department=department,
            ttl=ttl,
            speaks_for=speaks_for,
        )
        return {"Authorization": f"Bearer {token}"}

    @property
    def agent(self) -> dict[str, str]:
        return self.token(Role.AGENT)

    def department(self, code: str) -> dict[str, str]:
        return self.token(Role.DEPARTMENT, code)

    async def create(self, headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/v1/tickets", json=intake_json(**fields), headers=headers or self.agent
        )
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()
        return created

    async def act(
        self,
        ticket_no: str,
        action: str,
        headers: dict[str, str],
        body: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        response = await self.http.post(
            f"/v1/tickets/{ticket_no}/{action}", json=body, headers=headers
        )
        assert response.status_code == expect, response.text
        result: dict[str, Any] = response.json()
        return result

    async def new_district(self) -> str:
        """A district of its own (its government added to the catalogue), so that no other
        test's tickets are counted with this test's."""
        body = new_district_government("d")
        created = await self.http.post("/v1/departments", headers=self.token(Role.ADMIN), json=body)
        assert created.status_code == 201, created.text
        return body["district"]

    async def timeline(self, ticket_no: str) -> list[str]:
        response = await self.http.get(f"/v1/tickets/{ticket_no}/timeline", headers=self.agent)
        assert response.status_code == 200, response.text
        return [event["action"] for event in response.json()["events"]]


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
