"""Open-ticket scale: worker memory, history size per ticket, and read-model list latency.

Real open tickets come from the storm (each a live workflow with its timers). The list
query is then measured again with synthetic rows added straight to the read model (a
copy of a real ticket's row under new numbers), up to the size the target names: the
list reads only the read model, so its rows need no workflows behind them.
"""

from __future__ import annotations

import asyncio
import copy
import time
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.stack import Stack, percentile, proc_status
from hotline import sealing
from hotline.database import create_engine
from schema.tables import Ticket, TicketDepartment
from schema.ticket import Role

LIST_QUERIES: dict[str, dict[str, Any]] = {
    "newest": {"page_size": 50},
    "department_overdue": {"department": "urban-management", "overdue": "true", "page_size": 50},
    "status_page_20": {"status": "dispatched", "page_size": 50, "page": 20},
}


async def history_sizes(stack: Stack, numbers: list[str]) -> dict[str, float]:
    events, sizes = [], []
    for no in numbers:
        history = await stack.temporal.get_workflow_handle(f"ticket-{no}").fetch_history()
        events.append(len(history.events))
        sizes.append(sum(event.ByteSize() for event in history.events))
    return {
        "sampled": len(numbers),
        "events_mean": round(sum(events) / len(events), 1),
        "bytes_mean": round(sum(sizes) / len(sizes)),
    }


async def list_latency(stack: Stack, repeats: int) -> dict[str, dict[str, float]]:
    headers = stack.headers(Role.SUPERVISOR)
    result = {}
    async with stack.http(1) as http:
        for name, params in LIST_QUERIES.items():
            # Steady state: the first request of a shape compiles its statement and warms
            # SQLite's page cache, once per API process; it would otherwise be the p99.
            (await http.get("/v1/tickets", params=params, headers=headers)).raise_for_status()
            timings = []
            for _ in range(repeats):
                started = time.perf_counter()
                response = await http.get("/v1/tickets", params=params, headers=headers)
                response.raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
            result[name] = {
                "p50_ms": round(percentile(timings, 0.5), 1),
                "p99_ms": round(percentile(timings, 0.99), 1),
            }
    return result


async def _write(
    engine: AsyncEngine, tickets: list[dict[str, Any]], members: list[dict[str, Any]]
) -> None:
    """One batch in a short transaction of its own, tried again while the worker (still
    busy after the storm) holds SQLite's one write lock past the busy timeout."""
    for attempt in range(20):
        try:
            async with engine.begin() as connection:
                await connection.execute(insert(Ticket), tickets)
                await connection.execute(insert(TicketDepartment), members)
            return
        except OperationalError:
            if attempt == 19:
                raise
            await asyncio.sleep(1)


async def add_synthetic_rows(stack: Stack, total_rows: int) -> int:
    """Fill the read model up to ``total_rows`` tickets with copies of a real open one."""
    sealing.use_keys(stack.settings.resolved_encryption_keys())  # the copies' citizens
    engine = create_engine(stack.settings.resolved_database_url())
    try:
        # Read first, then write in a transaction of its own: a read transaction that turns
        # into a write while the worker writes is refused by SQLite at once (no waiting).
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(Ticket.__table__).where(Ticket.status == "dispatched").limit(1)
            )
            template = dict(rows.mappings().one())
            have = int(await connection.scalar(select(func.count()).select_from(Ticket)) or 0)
        codes = [code for code in template["department_codes"].split(",") if code]
        batch: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        for n in range(max(0, total_rows - have)):
            row = copy.deepcopy(template)
            row["ticket_no"] = f"SYN-{n:07d}"
            row["document"]["ticket_no"] = row["ticket_no"]
            batch.append(row)
            members.extend(  # the department's queues and filters read these
                {
                    "department": code,
                    "ticket_no": row["ticket_no"],
                    "status": row["status"],
                    "lead": code == row["lead_department"],
                    "overdue": row["overdue"],
                    "supervision_tier": row["supervision_tier"],
                    "created_at": row["created_at"],
                }
                for code in codes
            )
            if len(batch) == 2000:
                await _write(engine, batch, members)
                batch, members = [], []
        if batch:
            await _write(engine, batch, members)
        return max(0, total_rows - have)
    finally:
        await engine.dispose()


async def measure_open_tickets(
    stack: Stack, open_numbers: list[str], synthetic_rows: int, repeats: int
) -> dict[str, Any]:
    worker = stack.pids["worker"]
    real = {
        "open_tickets": len(open_numbers),
        "worker_rss_mib": proc_status(worker, "VmRSS"),
        "worker_peak_rss_mib": proc_status(worker, "VmHWM"),
        "history": await history_sizes(stack, open_numbers[:20]),
        "list_latency": await list_latency(stack, repeats),
    }
    added = await add_synthetic_rows(stack, synthetic_rows)
    return {
        **real,
        "synthetic_rows_added": added,
        "read_model_rows": synthetic_rows,
        "list_latency_at_rows": await list_latency(stack, repeats),
    }
