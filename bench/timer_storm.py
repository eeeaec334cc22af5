"""A timer storm: N open tickets whose deadlines all fall in the same second.

A sign-off span starts at each ticket's creation, so tickets created one after another
never share a sign-off second. The storm is built the way a supervisor would: every
ticket gets a supervision order (``POST /supervise``) due at one absolute instant T.
At T every ticket's workflow wakes, hardens its order (blue → orange, a rung and a
notice), publishes, and shows as overdue in the read model. Measured: seconds from T
until the read model shows all N overdue and escalated.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.stack import Stack
from bench.ticket_lives import INTAKE, run_concurrently
from schema.ticket import Role
from startup.demo_city import new_district_government


async def open_tickets(stack: Stack, count: int, concurrency: int, district: str) -> list[str]:
    agent = stack.headers(Role.AGENT)
    numbers: list[str] = []
    async with stack.http(concurrency) as http:

        async def create() -> None:
            body = {**INTAKE, "district": district}
            response = await http.post("/v1/tickets", json=body, headers=agent)
            response.raise_for_status()
            numbers.append(response.json()["ticket_no"])

        await run_concurrently(count, concurrency, create)
    return numbers


async def storm_district(stack: Stack) -> str:
    """A district of the storm's own (its government in the catalogue): its tickets are
    counted apart from every other's."""
    body = new_district_government("storm")
    async with stack.http(1) as http:
        created = await http.post("/v1/departments", headers=stack.headers(Role.ADMIN), json=body)
        created.raise_for_status()
    return body["district"]


async def measure_storm(stack: Stack, count: int, concurrency: int) -> dict[str, Any]:
    district = await storm_district(stack)
    created_at = time.perf_counter()
    numbers = await open_tickets(stack, count, concurrency, district)
    creation_seconds = time.perf_counter() - created_at
    supervisor = stack.headers(Role.SUPERVISOR)
    # T: far enough ahead for every order to be placed first: about 15 a second on the
    # 2-core machine, 8 when it is busy (a later order would be refused: due in the past).
    storm_at = datetime.now(UTC) + timedelta(seconds=20 + count / 8)
    pending = iter(numbers)
    async with stack.http(concurrency) as http:

        async def supervise_next() -> None:
            response = await http.post(
                f"/v1/tickets/{next(pending)}/supervise",
                json={"note": "storm", "due": storm_at.isoformat()},
                headers=supervisor,
            )
            response.raise_for_status()

        await run_concurrently(len(numbers), concurrency, supervise_next)
        placed_by = datetime.now(UTC)
        await asyncio.sleep(max(0.0, (storm_at - datetime.now(UTC)).total_seconds()))
        storm_started = time.perf_counter()
        cpu_before = stack.cpu()
        overdue = escalated = 0
        while time.perf_counter() - storm_started < 600:
            found = await http.get(
                "/v1/tickets",
                params={"district": district, "overdue": "true", "page_size": 1},
                headers=supervisor,
            )
            overdue = found.json()["total"]
            if overdue >= count:
                orders = await http.get(
                    "/v1/escalations",
                    params={"kind": "supervision_order", "from": storm_at.isoformat()},
                    headers=supervisor,
                )
                escalated = orders.json()["total"]
                if escalated >= count:
                    break
            await asyncio.sleep(0.25)
        seconds = time.perf_counter() - storm_started
    cpu = {name: round(value - cpu_before[name], 1) for name, value in stack.cpu().items()}
    return {
        "tickets": count,
        "creation_seconds": round(creation_seconds, 1),
        "orders_placed_before_t": placed_by < storm_at,
        "seconds_until_all_escalated_and_overdue": round(seconds, 1),
        "overdue_seen": overdue,
        "escalated_seen": escalated,
        "cpu_seconds_during_storm": cpu,
        "district": district,
        "ticket_numbers": numbers,
    }
