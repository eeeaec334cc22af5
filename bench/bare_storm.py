"""The bare timer storm: N minimal workflows whose timers fire in the same second, each
then doing one local activity and one search-attribute upsert (the least a ticket's rung
needs), on the same dev server as the tickets' storm — so the storm has a ratio.

Measured as the tickets' storm is: seconds from the instant until the visibility store
counts all N as overdue (polled every quarter second), and CPU meanwhile.
Its worker is the bare engine's, a process of its own.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.bare_deadline import BareDeadline
from bench.bare_engine import start_worker_process
from bench.stack import Stack, cpu_seconds
from bench.ticket_lives import run_concurrently


async def measure_bare_storm(stack: Stack, count: int, concurrency: int) -> dict[str, Any]:
    task_queue = f"bare-storm-{uuid.uuid4().hex[:6]}"
    worker = start_worker_process(stack.address, task_queue)
    try:
        await asyncio.sleep(2)  # the worker polls
        run = uuid.uuid4().hex[:6]
        # T: far enough ahead for every workflow to be started first.
        storm_at = datetime.now(UTC) + timedelta(seconds=10 + count / 50)
        numbers = iter(range(count))

        async def start_next() -> None:
            await stack.temporal.start_workflow(
                BareDeadline.run,
                storm_at.isoformat(),
                id=f"bare-storm-{run}-{next(numbers)}",
                task_queue=task_queue,
            )

        await run_concurrently(count, concurrency, start_next)
        placed_by = datetime.now(UTC)
        await asyncio.sleep(max(0.0, (storm_at - datetime.now(UTC)).total_seconds()))
        started = time.perf_counter()
        before = {"server": stack.cpu()["server"], "worker": cpu_seconds(worker.pid)}
        query = f"WorkflowId STARTS_WITH 'bare-storm-{run}-' AND Overdue = true"
        seen = 0
        while time.perf_counter() - started < 600:
            seen = (await stack.temporal.count_workflows(query)).count
            if seen >= count:
                break
            await asyncio.sleep(0.25)
        seconds = time.perf_counter() - started
        cpu = {
            "server": round(stack.cpu()["server"] - before["server"], 1),
            "worker": round(cpu_seconds(worker.pid) - before["worker"], 1),
        }
        return {
            "workflows": count,
            "started_before_t": placed_by < storm_at,
            "seconds_until_all_upserted": round(seconds, 1),
            "per_second": round(count / seconds, 1) if seconds else None,
            "seen": seen,
            "cpu_seconds_during_storm": cpu,
        }
    finally:
        worker.terminate()
        worker.wait(timeout=30)
