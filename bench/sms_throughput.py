"""The citizen's receipt SMS (受理回执) through a real Kannel, under a burst of intakes.

    .venv/bin/python -m bench.sms_throughput                 # 200 tickets, concurrency 10
    .venv/bin/python -m bench.sms_throughput --tickets 500 --concurrency 20

A real Kannel (bearerbox, smsbox and fakesmsc as the network, on free ports: the tests'
``tests.support.kannel``) in front of the real stack (dev server, ``hotline worker`` and
``hotline api`` as processes: bench.stack) with ``HOTLINE_SMS_GATEWAY=kannel``, and a
policy file whose quiet hours are off (``quiet_from`` = ``quiet_until``), so that no
receipt waits for the morning whatever the hour of the run. After one warm-up ticket
(which also shows whether Kannel's delivery reports reach the API), N tickets are created
as fast as ``--concurrency`` agents can, each for a citizen of their own (the policy's
per-number hourly limit never holds one back), and each causes its receipt. Measured:

1. throughput: receipts per second from the first queued (the ``citizen_messages`` row's
   ``created_at``) to the last handed to Kannel (``sent_at``), and to the last delivery
   report recorded (``reported_at``);
2. from each intake's answer (``POST /v1/tickets`` answered) to its receipt's ``sent_at``,
   to fakesmsc printing it (seen by polling its output, so late by up to one polling
   interval) and to its delivery report: p50, p95, p99;
3. CPU seconds of the worker, the API, the Temporal server, Kannel and this load generator
   from the first intake until every receipt is settled, and per message.

It waits on conditions (the read model, fakesmsc's output), polled; it prints a table and
writes JSON under bench/results/. It measures; it never fails on a target.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import re
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.sms_figures import gaps, milliseconds, per_second, print_table, seconds, spread
from bench.stack import (
    ROOT,
    Stack,
    cpu_seconds,
    free_port,
    machine,
    running_stack,
)
from bench.ticket_lives import INTAKE, run_concurrently
from hotline.database import create_engine
from schema.message_tables import StoredCitizenMessage
from schema.ticket import Role
from tests.support.kannel import Kannel, kannel_installed, running_kannel

TOKEN = "bench-kannel-callback-secret"
# Quiet hours off (from = until, schema.citizen_messages.wait_for_quiet_hours): the bench
# runs at any hour, and a receipt deferred to 08:00 would measure the clock, not the path.
POLICY = """\
name = "bench-sms-no-quiet-hours"

[sms]
quiet_from = "00:00:00"
quiet_until = "00:00:00"
"""
POLL_SECONDS = 0.05  # the polling interval of every wait (fakesmsc's output, the read model)
SETTLED = {"delivered", "failed", "skipped"}  # states no later report moves
TICKET_NO = re.compile(r"\d{8}-\d{6}")  # <prefix>YYYYMMDD-NNNNNN; the bench sets no prefix
KANNEL_PROGRAMS = ("bearerbox", "smsbox", "fakesmsc")


@dataclass
class Receipt:
    """A receipt's row in the read model, as far as the bench reads it (no sealed text)."""

    ticket_no: str
    state: str
    reason: str | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    reported_at: datetime | None


@dataclass
class Burst:
    answered: dict[str, datetime] = field(default_factory=dict)  # ticket → intake answered
    create_ms: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    on_network: dict[str, datetime] = field(default_factory=dict)  # ticket → first seen


async def receipts(engine: AsyncEngine, numbers: Iterable[str]) -> dict[str, Receipt]:
    wanted = set(numbers)
    rows = StoredCitizenMessage
    async with engine.connect() as connection:
        found = await connection.execute(
            select(
                rows.ticket_no,
                rows.state,
                rows.reason,
                rows.attempts,
                rows.created_at,
                rows.sent_at,
                rows.reported_at,
            ).where(rows.kind == "receipt")
        )
        return {r.ticket_no: Receipt(*r) for r in found if r.ticket_no in wanted}


def kannel_pids() -> list[int]:
    """Kannel's processes (bearerbox, smsbox, fakesmsc): this process's children by name."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, tail = stat.read_text().rsplit(")", 1)
        except OSError:  # ended meanwhile
            continue
        if int(tail.split()[1]) == os.getpid() and head.split("(", 1)[1] in KANNEL_PROGRAMS:
            pids.append(int(stat.parent.name))
    return pids


def cpu_now(stack: Stack, kannel: list[int]) -> dict[str, float]:
    return {
        **stack.cpu(),
        "kannel": sum(cpu_seconds(pid) for pid in kannel),
        "load_generator": time.process_time(),
    }


def network_seen(kannel: Kannel, seen: dict[str, datetime], wanted: set[str]) -> None:
    """Note when each wanted ticket's receipt is first in fakesmsc's output."""
    now = datetime.now(UTC)
    for sms in kannel.received():
        found = TICKET_NO.search(sms.text)
        if found and found.group() in wanted and found.group() not in seen:
            seen[found.group()] = now


async def watch_network(kannel: Kannel, burst: Burst, stop: asyncio.Event) -> None:
    while not stop.is_set():
        network_seen(kannel, burst.on_network, set(burst.answered))
        await asyncio.sleep(POLL_SECONDS)


def intake(n: int) -> dict[str, Any]:
    """A ticket for a citizen of its own: 139 and eight digits."""
    citizen = {"name": "测试", "phone": f"139{n:08d}"}
    return {**INTAKE, "citizen": citizen, "description": f"benchmark SMS ticket {n}"}


async def create(stack: Stack, http: Any, n: int, burst: Burst) -> None:
    started = time.perf_counter()
    try:
        answer = await http.post("/v1/tickets", json=intake(n), headers=stack.headers(Role.AGENT))
    except Exception as problem:  # a transport error is counted, the burst goes on
        burst.errors[type(problem).__name__] += 1
        return
    at = datetime.now(UTC)
    ticket_no = answer.json().get("ticket_no") if answer.status_code in (201, 202) else None
    if ticket_no is None:
        burst.errors[f"{answer.status_code} {answer.text[:120]}"] += 1
        return
    burst.create_ms.append((time.perf_counter() - started) * 1000)
    burst.answered[ticket_no] = at


def done(row: Receipt | None, reports: bool) -> bool:
    if row is None:
        return False
    return row.state in SETTLED if reports else row.sent_at is not None or row.state in SETTLED


async def until_settled(
    engine: AsyncEngine,
    numbers: list[str],
    reports: bool,
    stall_seconds: float,
    on_network: dict[str, datetime] | None = None,
) -> dict[str, Receipt]:
    """Poll the read model until every receipt is settled (sent, and delivered when reports
    flow) and on the network, or until nothing has moved for ``stall_seconds``."""
    last, moved = None, time.monotonic()
    while True:
        rows = await receipts(engine, numbers)
        seen = len(on_network) if on_network is not None else len(numbers)
        if all(done(rows.get(n), reports) for n in numbers) and seen >= len(numbers):
            return rows
        progress = (
            sorted((r.ticket_no, r.state, r.sent_at is not None) for r in rows.values()),
            seen,
        )
        if progress != last:
            last, moved = progress, time.monotonic()
        elif time.monotonic() - moved > stall_seconds:
            return rows
        await asyncio.sleep(POLL_SECONDS * 4)


async def warm_up(stack: Stack, engine: AsyncEngine, kannel: Kannel) -> dict[str, Any]:
    """One ticket through the whole path first (uncounted): the processes warm, and
    whether Kannel's delivery reports reach the API in this setup."""
    burst = Burst()
    async with stack.http(1) as http:
        await create(stack, http, 99_999_999, burst)
    if not burst.answered:
        raise SystemExit(f"the warm-up intake failed: {dict(burst.errors)}")
    numbers = list(burst.answered)
    rows = await until_settled(engine, numbers, reports=False, stall_seconds=60)
    row = rows.get(numbers[0])
    if row is None or row.sent_at is None:
        raise SystemExit(
            f"the warm-up receipt never reached Kannel: {row}; see {stack.data}/worker.log "
            f"and {kannel.folder}"
        )
    rows = await until_settled(engine, numbers, reports=True, stall_seconds=15)
    row = rows[numbers[0]]
    network_seen(kannel, burst.on_network, set(numbers))
    return {
        "state": row.state,
        "delivery_reports_flow": row.state == "delivered",
        "on_the_network": bool(burst.on_network),
        "intake_to_sent_ms": round(milliseconds(burst.answered[numbers[0]], row.sent_at), 1),
    }


async def measure_burst(
    stack: Stack,
    engine: AsyncEngine,
    kannel: Kannel,
    arguments: argparse.Namespace,
    reports: bool,
) -> dict[str, Any]:
    burst, numbers = Burst(), itertools.count()
    processes = kannel_pids()
    cpu_before = cpu_now(stack, processes)
    stop = asyncio.Event()
    watcher = asyncio.create_task(watch_network(kannel, burst, stop))
    first_intake = datetime.now(UTC)
    try:
        async with stack.http(arguments.concurrency) as http:
            intake_seconds = await run_concurrently(
                arguments.tickets,
                arguments.concurrency,
                lambda: create(stack, http, next(numbers), burst),
            )
        created = list(burst.answered)
        rows = await until_settled(
            engine, created, reports, arguments.stall_seconds, burst.on_network
        )
    finally:
        stop.set()
        await watcher
    cpu_after = cpu_now(stack, processes)
    network_seen(kannel, burst.on_network, set(created))

    sent = [r for r in rows.values() if r.sent_at is not None]
    delivered = [r for r in rows.values() if r.state == "delivered" and r.reported_at]
    first_queued = min((r.created_at for r in rows.values()), default=None)
    last_sent = max((r.sent_at for r in sent if r.sent_at), default=None)
    last_report = max((r.reported_at for r in delivered if r.reported_at), default=None)
    answered, every = burst.answered, list(rows.values())
    cpu = {name: cpu_after[name] - cpu_before[name] for name in cpu_before}
    count = max(len(sent), 1)
    return {
        "tickets": arguments.tickets,
        "concurrency": arguments.concurrency,
        "created": len(created),
        "intake_errors": dict(burst.errors),
        "intake_seconds": round(intake_seconds, 2),
        "intakes_per_second": round(len(created) / intake_seconds, 2),
        "create_ms": spread(burst.create_ms),
        "receipts": {
            "queued": len(rows),
            "sent": len(sent),
            "delivered": len(delivered),
            "on_the_network": len(burst.on_network),
            "states": dict(Counter(r.state for r in rows.values())),
            "reasons": dict(Counter(r.reason for r in rows.values() if r.reason)),
            "sent_more_than_once": sum(r.attempts > 1 for r in rows.values()),
            "missing": len(created) - len(rows),
        },
        "delivery_reports_flow": reports,
        "throughput_per_second": {
            "queued_to_sent": per_second(len(sent), first_queued, last_sent),
            "queued_to_delivery_report": per_second(len(delivered), first_queued, last_report),
            "first_intake_to_last_sent": per_second(len(sent), first_intake, last_sent),
        },
        "seconds": {
            "first_queued_to_last_sent": seconds(first_queued, last_sent),
            "first_intake_to_last_sent": seconds(first_intake, last_sent),
            "first_intake_to_last_report": seconds(first_intake, last_report),
        },
        "latency_ms": {
            "intake_to_queued": gaps((answered[r.ticket_no], r.created_at) for r in every),
            "intake_to_sent": gaps((answered[r.ticket_no], r.sent_at) for r in every),
            "intake_to_network": gaps((answered[no], at) for no, at in burst.on_network.items()),
            "intake_to_delivery_report": gaps(
                (answered[r.ticket_no], r.reported_at) for r in delivered
            ),
            "queued_to_sent": gaps((r.created_at, r.sent_at) for r in every),
        },
        "network_polling_interval_ms": POLL_SECONDS * 1000,
        "kannel_processes": len(processes),  # bearerbox, smsbox, fakesmsc
        "cpu_seconds": {name: round(value, 2) for name, value in cpu.items()},
        "cpu_ms_per_message": {name: round(1000 * v / count, 1) for name, v in cpu.items()},
        "cpu_ms_per_message_system": round(
            1000 * sum(v for k, v in cpu.items() if k != "load_generator") / count, 1
        ),
    }


async def run(arguments: argparse.Namespace) -> dict[str, Any]:
    if not kannel_installed():
        raise SystemExit("no Kannel (apt-get install kannel kannel-extras)")
    folder = Path(tempfile.mkdtemp(prefix="hotline-sms-bench-"))
    policy = folder / "policy.toml"
    policy.write_text(POLICY)
    api_port = free_port()
    callback_base = f"http://127.0.0.1:{api_port}"  # as Kannel reaches the API
    with running_kannel(folder / "kannel", callback_base, TOKEN) as kannel:
        environment = {
            "HOTLINE_POLICY": str(policy),
            "HOTLINE_SMS_GATEWAY": "kannel",
            "HOTLINE_KANNEL_SENDSMS_URL": kannel.sendsms_url,
            "HOTLINE_KANNEL_USERNAME": kannel.username,
            "HOTLINE_KANNEL_PASSWORD": kannel.password,
            "HOTLINE_KANNEL_SMSC": "mt",  # the fakesmsc that is the network
            "HOTLINE_SMS_CALLBACK_BASE": callback_base,
            "HOTLINE_SMS_CALLBACK_TOKEN": TOKEN,
        }
        async with running_stack(api_port=api_port, environment=environment) as stack:
            engine = create_engine(stack.settings.resolved_database_url())
            try:
                warm = await warm_up(stack, engine, kannel)
                print(f"[warm-up] {json.dumps(warm)}", flush=True)
                reports = bool(warm["delivery_reports_flow"])
                burst = await measure_burst(stack, engine, kannel, arguments, reports)
            finally:
                await engine.dispose()
            return {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": machine(),
                "read_model": stack.settings.resolved_database_url().split(":", 1)[0],
                "gateway": "kannel (bearerbox + smsbox, fakesmsc as the network)",
                "warm_up": warm,
                "burst": burst,
                "folders": {"stack": str(stack.data), "kannel": str(kannel.folder)},
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200, help="intakes in the burst")
    parser.add_argument("--concurrency", type=int, default=10, help="agents creating at once")
    parser.add_argument(
        "--stall-seconds",
        type=float,
        default=120,
        help="stop waiting once no receipt has moved for this long",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    arguments = parser.parse_args()
    result = asyncio.run(run(arguments))
    print_table(result)
    arguments.out.mkdir(parents=True, exist_ok=True)
    path = arguments.out / f"sms-{result['when'].replace(':', '')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"  written to {path}")


if __name__ == "__main__":
    main()
