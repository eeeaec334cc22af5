"""What API processes must share through the database, checked across two of them: an
Idempotency-Key sent to both gives one ticket and one action; a web session opened on one
serves on the other (its CSRF token too) and ends on both; failed sign-ins on either count
against one limit. Each request is pinned to its process and the process's request log
confirms which one served it."""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio.client import Client

from schema.ticket import Role
from services.accounts import ACCOUNT_LIMIT, add_user
from tests.chaos_history import applied_updates
from tests.chaos_processes import ApiProcesses
from tests.support.data import intake_json
from web.sessions import COOKIE

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class SharedStateCheck:
    def __init__(self, apis: ApiProcesses, pinned: list[httpx.AsyncClient], base_url: str) -> None:
        self.apis = apis
        self.pinned = pinned
        self.base_url = base_url
        self.problems: list[str] = []

    async def send(self, slot: int, method: str, path: str, **options: Any) -> httpx.Response:
        """A request through the connection held to API process ``slot``, and proof from
        the logs that this process answered it."""
        request_id = f"shared-{uuid.uuid4().hex}"
        headers = {**options.pop("headers", {}), "X-Request-ID": request_id}
        answer = await self.pinned[slot].request(method, path, headers=headers, **options)
        served = await self.apis.wait_served(request_id)
        if served != slot:
            self.problems.append(f"{method} {path} meant for API {slot} was served by {served}")
        return answer

    def expect(self, what: str, condition: bool, answer: httpx.Response | None = None) -> None:
        if not condition:
            shown = f": {answer.status_code} {answer.text[:300]}" if answer is not None else ""
            self.problems.append(what + shown)

    async def idempotent_intake_and_action(
        self, client: Client, headers: dict[str, dict[str, str]]
    ) -> None:
        body, key = intake_json(), f"twin-{uuid.uuid4()}"
        agent = {**headers["agent"], "Idempotency-Key": key}
        first, second = await asyncio.gather(
            self.send(0, "POST", "/v1/tickets", json=body, headers=agent),
            self.send(1, "POST", "/v1/tickets", json=body, headers=agent),
        )
        for answer in (first, second):
            self.expect("twin intake answered", answer.status_code in (200, 201), answer)
        if self.problems:
            return
        no = first.json()["ticket_no"]
        self.expect("one ticket for one key on two APIs", second.json()["ticket_no"] == no)
        other = await self.send(
            1, "POST", "/v1/tickets", json=intake_json(address="elsewhere"), headers=agent
        )
        self.expect("a key bound on one API is bound on the other", other.status_code == 422, other)

        lead = {**headers["lead"], "Idempotency-Key": f"{key}-sign"}
        signs = await asyncio.gather(
            self.send(0, "POST", f"/v1/tickets/{no}/sign", headers=lead),
            self.send(1, "POST", f"/v1/tickets/{no}/sign", headers=lead),
        )
        for answer in signs:
            self.expect("twin sign answered", answer.status_code == 200, answer)
        if all(answer.status_code == 200 for answer in signs):
            left, right = (answer.json() for answer in signs)
            self.expect("one answer for one action on two APIs", left == right)
        history = await client.get_workflow_handle(f"ticket-{no}").fetch_history()
        self.expect("the sign applied once", applied_updates(history).count("sign") == 1)

    async def sessions_and_throttling(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        username, password = f"twin-{uuid.uuid4().hex[:8]}", secrets.token_urlsafe(18)
        await add_user(
            sessions, username=username, display_name="话务员（双进程）", role=Role.AGENT,
            password=password,
        )  # fmt: skip
        origin = {"Origin": self.base_url}
        form = {"username": username, "password": password, "next": "/desk"}
        signed_in = await self.send(0, "POST", "/sign-in", data=form, headers=origin)
        self.expect("signed in on API 0", signed_in.status_code == 303, signed_in)
        cookie = {"Cookie": f"{COOKIE}={signed_in.cookies.get(COOKIE, '')}"}
        desk = await self.send(1, "GET", "/desk", headers=cookie)
        self.expect("API 0's session serves on API 1", desk.status_code == 200, desk)
        on_first = await self.send(0, "GET", "/desk", headers=cookie)
        token = _CSRF.search(on_first.text)
        self.expect("a page carries its CSRF token", token is not None, on_first)
        if token is not None:
            out = await self.send(
                1, "POST", "/sign-out", data={"csrf_token": token[1]}, headers={**cookie, **origin}
            )
            self.expect("API 0's CSRF token holds on API 1", out.status_code == 303, out)
            ended = await self.send(0, "GET", "/desk", headers=cookie)
            gone = ended.status_code == 303 and "/sign-in" in ended.headers.get("location", "")
            self.expect("signed out on API 1, signed out on API 0", gone, ended)

        wrong = {"username": username, "password": "not-the-password"}
        for attempt in range(ACCOUNT_LIMIT):  # alternately, so neither alone reaches the limit
            failed = await self.send(attempt % 2, "POST", "/v1/auth/token", json=wrong)
            self.expect("a wrong password refused", failed.status_code == 401, failed)
        right = {"username": username, "password": password}
        locked = await self.send(ACCOUNT_LIMIT % 2, "POST", "/v1/auth/token", json=right)
        self.expect(
            "failures on both APIs count against one limit", locked.status_code == 429, locked
        )


async def shared_state_problems(
    apis: ApiProcesses,
    base_url: str,
    client: Client,
    sessions: async_sessionmaker[AsyncSession],
    headers: dict[str, dict[str, str]],
) -> list[str]:
    """What differs from one truth across API processes 0 and 1; empty when nothing."""
    pinned = [await apis.pinned(base_url, slot) for slot in (0, 1)]
    check = SharedStateCheck(apis, pinned, base_url)
    try:
        await check.idempotent_intake_and_action(client, headers)
        await check.sessions_and_throttling(sessions)
    finally:
        for connection in pinned:
            await connection.aclose()
    return check.problems
