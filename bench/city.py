"""A city's read model on PostgreSQL: fill it with a million tickets, then time the
workbench's pages through the real stack.

    .venv/bin/python -m bench.city --tickets 1000000          # fill (minutes), then measure
    .venv/bin/python -m bench.city --tickets 1000000 --reuse  # measure what an earlier run filled

The database (``--database``, default ``hotline_city`` on the server at ``--server``) is
made afresh unless ``--reuse`` finds it filled; its keys, and the dev server's histories,
stay in ``--data`` from run to run, so a filled read model can be measured again after a
migration (``hotline migrate`` against it, or this command, which migrates on start).
A real stack holds a few real tickets; the rest is made by ``bench.city_rows`` as the
write path would leave it and COPYed in batches (no row by row inserts), then vacuumed
and analysed as autovacuum would in time. Every list, queue, the ticket page, the board,
the statistics and the top bar's search are fetched by signed-in browser sessions over
loopback (``bench.pages``). It prints a table and writes JSON under bench/results/.
It measures; it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import Table, select
from sqlalchemy.engine import Dialect, make_url

from bench.city_rows import CityMaker, CityRows
from bench.pages import (
    DEPARTMENT,
    Clients,
    real_tickets,
    signed_in_client,
    timed,
    timed_search,
    topbar_searches,
    workbench_pages,
)
from bench.stack import ROOT, Stack, machine, running_stack
from hotline import sealing
from hotline.database import create_engine
from schema.activity_io import TicketRecord
from schema.tables import Base, Ticket
from schema.ticket import Role
from services.queues import WORK_QUEUES

TABLES = (
    "tickets",
    "ticket_departments",
    "ticket_events",
    "ticket_figures",
    "notifications",
    "escalations",
)
SERVER_DATABASES = {"postgres", "template0", "template1", "test", "root"}
BATCH = 5000


def database_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def ticket_count(url: str) -> int:
    """How many tickets the database holds (0 if it does not exist yet)."""
    try:
        connection = await asyncpg.connect(_asyncpg_dsn(url))
    except asyncpg.InvalidCatalogNameError:
        return 0
    try:
        exists = await connection.fetchval("SELECT to_regclass('tickets') IS NOT NULL")
        return int(await connection.fetchval("SELECT count(*) FROM tickets")) if exists else 0
    finally:
        await connection.close()


async def fresh_database(server: str, name: str) -> None:
    """Make the benchmark's own database anew (never one of the server's own)."""
    if name in SERVER_DATABASES:
        raise SystemExit(f"refusing to replace the database {name!r}")
    connection = await asyncpg.connect(_asyncpg_dsn(server))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


def _records(table: Table, dialect: Dialect, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Rows as the database gets them from SQLAlchemy: each column through its own type's
    bind processing (instants to UTC, sealed columns sealed, JSON as text)."""
    columns = []
    for column in table.columns:
        default = getattr(column.default, "arg", None)
        fallback = None if callable(default) else default
        columns.append((column.name, fallback, column.type.bind_processor(dialect)))
    return [
        tuple(
            (process(row.get(name, fallback)) if process else row.get(name, fallback))
            for name, fallback, process in columns
        )
        for row in rows
    ]


async def copy_rows(connection: asyncpg.Connection, dialect: Dialect, rows: CityRows) -> None:
    for name in TABLES:
        table = Base.metadata.tables[name]
        await connection.copy_records_to_table(
            name,
            records=_records(table, dialect, getattr(rows, name)),
            columns=[c.name for c in table.columns],
        )


async def fill(stack: Stack, url: str, tickets: int) -> dict[str, Any]:
    """The city's tickets, batch after batch; each batch one transaction of COPYs."""
    sealing.use_keys(stack.settings.resolved_encryption_keys())
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(
                select(Ticket.document).where(Ticket.status == "dispatched").limit(1)
            )
            template = TicketRecord.model_validate(found.scalar_one())
        dialect = engine.dialect
    finally:
        await engine.dispose()
    maker = CityMaker(template=template, now=datetime.now(UTC), tickets=tickets)
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    made = {name: 0 for name in TABLES}
    started = time.perf_counter()
    try:
        for start in range(0, tickets, BATCH):
            rows = maker.batch(start, BATCH)
            async with connection.transaction():
                await copy_rows(connection, dialect, rows)
            for name in TABLES:
                made[name] += len(getattr(rows, name))
            if start // BATCH % 20 == 0:
                print(f"  {start + BATCH:>9,} tickets in {time.perf_counter() - started:6.0f} s")
        copied = time.perf_counter() - started
        for name in TABLES:
            await connection.execute(f"VACUUM (ANALYZE) {name}")
    finally:
        await connection.close()
    return {
        "rows": made,
        "copy_s": round(copied, 1),
        "copy_and_vacuum_s": round(time.perf_counter() - started, 1),
    }


async def table_sizes(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return {
            name: int(await connection.fetchval("SELECT pg_total_relation_size($1)", name))
            for name in TABLES
        }
    finally:
        await connection.close()


def queue_lists(agent: Any, clerk: Any) -> Clients:
    """Every work queue's full list (``/tickets?queue=<key>``), as its owner opens it."""
    return {
        f"queue_{queue.key}": (
            agent if queue.role is Role.AGENT else clerk,
            f"/tickets?queue={queue.key}",
        )
        for queue in WORK_QUEUES
    }


async def stored_example(url: str) -> str:
    """A stored ticket of the measured department that climbed the ladder."""
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return str(
            await connection.fetchval(
                "SELECT ticket_no FROM tickets WHERE lead_department = $1"
                " AND escalation_level >= 3 AND fence = 0 ORDER BY created_at DESC LIMIT 1",
                DEPARTMENT,
            )
        )
    finally:
        await connection.close()


def _forget_histories(data: Path) -> None:
    for old in data.glob("temporal.db*"):
        old.unlink()


async def measure(arguments: argparse.Namespace) -> dict[str, Any]:
    url = database_url(arguments.server, arguments.database)
    had = await ticket_count(url)
    reuse = arguments.reuse and had >= arguments.tickets
    if not reuse:
        await fresh_database(arguments.server, arguments.database)
        # The histories of the tickets it held go too: the new one numbers from 1 again.
        await asyncio.to_thread(_forget_histories, Path(arguments.data))
    async with running_stack(database_url=url, data=Path(arguments.data)) as stack:
        real = await real_tickets(stack, 20)
        filled = {"reused": had} if reuse else await fill(stack, url, arguments.tickets)
        stored = await stored_example(url)
        agent = await signed_in_client(stack, Role.AGENT, None)
        clerk = await signed_in_client(stack, Role.DEPARTMENT, DEPARTMENT)
        supervisor = await signed_in_client(stack, Role.SUPERVISOR, None)
        pages = {
            **workbench_pages(agent, clerk, supervisor, real[0], stored),
            "search_all": (agent, "/tickets"),
            "search_department_overdue": (agent, f"/tickets?department={DEPARTMENT}&overdue=true"),
            "search_district_open": (agent, "/tickets?district=putuo&open=true"),
            "notifications": (clerk, "/notifications"),
            "bell": (clerk, "/bell"),
            "my_work": (clerk, "/my-work"),
            **queue_lists(agent, clerk),
        }
        figures = {}
        load = [os.getloadavg()[0]]  # the machine's, shared: what the figures were taken under
        for name, (client, path) in pages.items():
            figures[name] = await timed(client, path, arguments.repeats)
            print(f"  {name:36} {figures[name]['p50_ms']:8} {figures[name]['p95_ms']:8}")
        # A phone from the top bar: one that called five times, over the two months.
        for name, (client, typed) in topbar_searches(agent, clerk, real[0], "13900000005").items():
            figures[name] = await timed_search(client, typed, arguments.repeats)
        load.append(os.getloadavg()[0])
        for client in (agent, clerk, supervisor):
            await client.aclose()
        return {
            "load_average_at_start_and_end": load,
            "machine": machine(),
            "database": "PostgreSQL " + await _server_version(url),
            "read_model_tickets": await ticket_count(url),
            "fill": filled,
            "table_bytes": await table_sizes(url),
            "repeats": arguments.repeats,
            "pages": figures,
        }


async def _server_version(url: str) -> str:
    connection = await asyncpg.connect(_asyncpg_dsn(url))
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--server", default="postgresql+asyncpg://root@127.0.0.1:5432/test")
    parser.add_argument("--database", default="hotline_city")
    parser.add_argument("--data", default=str(ROOT / "data" / "bench-city"))
    parser.add_argument("--reuse", action="store_true", help="measure what is there, if filled")
    parser.add_argument("--repeats", type=int, default=40)
    arguments = parser.parse_args()
    result = asyncio.run(measure(arguments))
    print(f"tickets {result['read_model_tickets']:,}; fill {result['fill']}")
    print(f"load average at start and end: {result['load_average_at_start_and_end']}")
    for name, size in result["table_bytes"].items():
        print(f"  {name:24} {size / 2**20:10,.0f} MiB")
    print(f"{'page':40} {'p50 ms':>8} {'p95 ms':>8}   (targets p95: lists, queues, ticket,")
    print(f"{'':60}search < 150 ms; board, statistics < 500 ms)")
    for name, figure in result["pages"].items():
        print(f"{name:40} {figure['p50_ms']:8} {figure['p95_ms']:8}")
    out = ROOT / "bench" / "results" / f"city-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
