"""Full ticket lives over HTTP: create → auto-dispatch → sign → reply → rating → closed."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import defaultdict
from typing import Any

import httpx

from bench.stack import Stack, percentile
from schema.ticket import Role

INTAKE = {
    "channel": "phone",
    "type": "complaint",
    "category": "010101",
    "urgency": "general",
    "description": "benchmark ticket",
    "district": "dinghai",
    "citizen": {"name": "测试", "phone": "13800000000"},
}


async def one_life(
    http: httpx.AsyncClient,
    agent: dict[str, str],
    lead: dict[str, str],
    timings: dict[str, list[float]],
) -> str:
    async def call(name: str, path: str, headers: dict[str, str], body: Any) -> dict[str, Any]:
        started = time.perf_counter()
        response = await http.post(path, json=body, headers=headers)
        timings[name].append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    ticket = await call("create", "/v1/tickets", agent, INTAKE)
    no = ticket["ticket_no"]
    await call("sign", f"/v1/tickets/{no}/sign", lead, None)
    await call("reply", f"/v1/tickets/{no}/reply", lead, {"outcome": "resolved", "content": "ok"})
    closed = await call(
        "rating", f"/v1/tickets/{no}/rating", agent, {"satisfaction": "satisfied", "solved": True}
    )
    assert closed["status"] == "closed"
    return str(no)


def latency_summary(timings: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        name: {
            "p50": round(percentile(v, 0.50), 1),
            "p95": round(percentile(v, 0.95), 1),
            "p99": round(percentile(v, 0.99), 1),
            "mean": round(statistics.mean(v), 1),
        }
        for name, v in timings.items()
    }


async def run_concurrently(lives: int, concurrency: int, life: Any) -> float:
    """Run ``lives`` calls of ``life()`` by ``concurrency`` drivers; the seconds it took."""
    remaining = iter(range(lives))

    async def driver() -> None:
        for _ in remaining:
            await life()

    started = time.perf_counter()
    await asyncio.gather(*(driver() for _ in range(concurrency)))
    return time.perf_counter() - started


async def measure_lives(stack: Stack, lives: int, concurrency: int) -> dict[str, Any]:
    agent = stack.headers(Role.AGENT)
    lead = stack.headers(Role.DEPARTMENT, "urban-management")
    timings: dict[str, list[float]] = defaultdict(list)
    async with stack.http(concurrency) as http:
        warm_up = await one_life(http, agent, lead, defaultdict(list))  # not counted
        cpu_before = stack.cpu()
        driver_before = time.process_time()  # this process: the HTTP clients
        elapsed = await run_concurrently(
            lives, concurrency, lambda: one_life(http, agent, lead, timings)
        )
        driver = time.process_time() - driver_before
    cpu = {name: round(value - cpu_before[name], 1) for name, value in stack.cpu().items()}
    cpu["load_generator"] = round(driver, 1)
    # One plain closed life's history, as Temporal keeps it (search-attribute upserts in).
    history = await stack.temporal.get_workflow_handle(f"ticket-{warm_up}").fetch_history()
    return {
        "history_events_per_closed_life": len(history.events),
        "lives": lives,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "lives_per_second": round(lives / elapsed, 2),
        "latency_ms": latency_summary(timings),
        "cpu_seconds": cpu,
        "cpu_ms_per_life": {name: round(1000 * value / lives) for name, value in cpu.items()},
    }


async def measure_creation_rate(stack: Stack, rate: float, seconds: float) -> dict[str, Any]:
    """Creation latency at a steady offered rate (tickets per second), not at saturation."""
    agent = stack.headers(Role.AGENT)
    timings: list[float] = []
    async with stack.http(64) as http:

        async def create() -> None:
            started = time.perf_counter()
            response = await http.post("/v1/tickets", json=INTAKE, headers=agent)
            response.raise_for_status()
            timings.append((time.perf_counter() - started) * 1000)

        loop = asyncio.get_running_loop()
        start = loop.time()
        tasks = []
        for n in range(int(rate * seconds)):  # on a fixed timetable, whatever the answers
            delay = start + n / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(create()))
        await asyncio.gather(*tasks)
    return {
        "offered_per_second": rate,
        "created": len(timings),
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p99_ms": round(percentile(timings, 0.99), 1),
    }
