"""The app over ASGI, against a real worker and read model, with a token per role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from temporalio.client import Client

from hotline.settings import Settings
from hotline.tokens import issue_token
from schema.ticket import Role
from startup.demo_city import new_district_government
from tests.support.data import intake_json
from tests.support.read_model import ReadModel


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
