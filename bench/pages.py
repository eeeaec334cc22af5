"""The workbench's pages at scale: server time of the department's inbox, the agent's desk
and queues, the ticket page, the search list, the supervision board and the escalation
history, with N tickets and M escalation records in the read model.

    .venv/bin/python -m bench.pages                 # 100,000 tickets, a few minutes
    .venv/bin/python -m bench.pages --rows 20000

A real stack (dev server, ``hotline worker``, ``hotline api`` as processes) holds a few
real tickets; the read model is then filled with synthetic ones made from a real row
(statuses, departments, overdue flags, rungs and ages spread as in a busy city), three
timeline events each, and escalation records, some of them open joint meetings that
summoned the measured department. Each page is fetched over loopback by a signed-in
browser session; the figure is the round trip, an upper bound of the server's time.
It prints a table and writes JSON under bench/results/. It measures; it never fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from activities.read_model import department_rows, ticket_row
from bench.stack import ROOT, Stack, machine, percentile, running_stack
from figures.ticket_facts import figures_row
from hotline import sealing
from hotline.database import create_engine, session_factory
from schema.activity_io import TicketRecord
from schema.counts import TicketFacts
from schema.tables import (
    Department,
    StoredEscalation,
    Ticket,
    TicketDepartment,
    TicketEvent,
    TicketFigures,
)
from schema.ticket import PendingReview, Role, SupervisionTier, TicketStatus
from services.accounts import add_user

DEPARTMENT = "urban-management"
PASSWORD = "a password for the page benchmark"
# A busy city's read model: most tickets closed, the open ones spread over the statuses.
STATUS_SHARE = {
    TicketStatus.CLOSED: 0.62,
    TicketStatus.HANDLING: 0.16,
    TicketStatus.DISPATCHED: 0.08,
    TicketStatus.CALLBACK: 0.08,
    TicketStatus.RECEIVED: 0.04,
    TicketStatus.RETURNED: 0.02,
}
ESCALATION_KINDS = ("warning", "reminder", "supervision_order", "leader_supervision")


async def real_tickets(stack: Stack, count: int) -> list[str]:
    """Tickets through the API, dispatched to the measured department; half of them signed."""
    agent, clerk = stack.headers(Role.AGENT), stack.headers(Role.DEPARTMENT, DEPARTMENT)
    numbers = []
    async with stack.http(4) as http:
        for n in range(count):
            body = {
                "channel": "phone",
                "type": "complaint",
                "category": "010101",
                "district": "dinghai",
                "description": f"夜市摊贩占道经营 第{n}号",
                "citizen": {"name": "张三", "phone": "13812341234"},
            }
            created = await http.post("/v1/tickets", json=body, headers=agent)
            created.raise_for_status()
            numbers.append(created.json()["ticket_no"])
        for no in numbers[: count // 2]:
            (await http.post(f"/v1/tickets/{no}/sign", json={}, headers=clerk)).raise_for_status()
    return numbers


def synthetic_record(
    template: TicketRecord, n: int, departments: list[str], now: datetime, rng: random.Random
) -> TicketRecord:
    status = rng.choices(list(STATUS_SHARE), weights=list(STATUS_SHARE.values()))[0]
    lead = None if status is TicketStatus.RECEIVED else rng.choice(departments)
    assisting = rng.sample(departments, rng.choice((0, 0, 0, 1, 2))) if lead else []
    open_ = status is not TicketStatus.CLOSED
    level = rng.choices(range(7), weights=(70, 12, 8, 5, 3, 1, 1))[0] if open_ else 0
    created = now - timedelta(minutes=rng.randrange(90 * 24 * 60))
    review = None
    if status is TicketStatus.HANDLING and rng.random() < 0.05:
        review = PendingReview.EXTENSION
    if status is TicketStatus.CALLBACK and rng.random() < 0.1:
        review = PendingReview.RATING
    return template.model_copy(
        update={
            "ticket_no": f"SYN-{n:07d}",
            # A caller of its own (the top bar's phone search finds one caller's tickets).
            "citizen": template.citizen.model_copy(update={"phone": f"139{n:08d}"}),
            "status": status,
            "lead_department": lead,
            "assisting_departments": [d for d in assisting if d != lead],
            "overdue": open_ and rng.random() < 0.12,
            "escalation_level": level,
            "supervision_tier": list(SupervisionTier)[level - 3] if 3 <= level <= 5 else None,
            "pending_review": review,
            "created_at": created,
            "updated_at": created,
            "closed_at": created + timedelta(days=3) if not open_ else None,
        }
    )


async def fill_read_model(stack: Stack, rows: int, escalations: int) -> None:
    sealing.use_keys(stack.settings.resolved_encryption_keys())  # the copies' citizens
    engine = create_engine(stack.settings.resolved_database_url())
    rng, now = random.Random(12345), datetime.now(UTC)
    try:
        async with engine.connect() as connection:  # read, then write apart (open_tickets)
            found = await connection.execute(
                select(Ticket.document).where(Ticket.status == "dispatched").limit(1)
            )
            template = TicketRecord.model_validate(found.scalar_one())
            departments = list(
                await connection.scalars(select(Department.code).where(Department.active))
            )
        async with engine.begin() as connection:
            tickets: list[dict[str, Any]] = []
            members: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            counted: list[dict[str, Any]] = []
            for n in range(rows):
                record = synthetic_record(template, n, departments, now, rng)
                tickets.append(ticket_row(record) | {"fence": 0})
                members.extend(department_rows(record))
                counted.append(figures_row(TicketFacts(record, False, False, False)))
                for seq, action in enumerate(("received", "dispatched", "signed"), start=1):
                    events.append(
                        {
                            "ticket_no": record.ticket_no,
                            "seq": seq,
                            "at": record.created_at + timedelta(minutes=seq),
                            "actor": "agent:bench",
                            "action": action,
                            "detail": {"note": "bench"},
                        }
                    )
                if len(tickets) == 2000:
                    await _insert(connection, tickets, members, events, counted)
                    tickets, members, events, counted = [], [], [], []
            if tickets:
                await _insert(connection, tickets, members, events, counted)
            await connection.execute(
                insert(StoredEscalation), escalation_rows(escalations, rows, departments, rng, now)
            )
    finally:
        await engine.dispose()


async def _insert(connection: AsyncConnection, *batches: list[dict[str, Any]]) -> None:
    tables = (Ticket, TicketDepartment, TicketEvent, TicketFigures)
    for table, rows in zip(tables, batches, strict=True):
        await connection.execute(insert(table), rows)


def escalation_rows(
    count: int, tickets: int, departments: list[str], rng: random.Random, now: datetime
) -> list[dict[str, Any]]:
    """Rungs on random tickets; one in a hundred an open joint meeting, a third of those
    summoning the measured department."""
    rows = []
    for n in range(count):
        ticket_no = f"SYN-{rng.randrange(tickets):07d}"
        meeting = n % 100 == 0
        summoned = rng.sample(departments, 3) + ([DEPARTMENT] if n % 300 == 0 else [])
        rows.append(
            {
                "id": f"{ticket_no}/{n}",
                "ticket_no": ticket_no,
                "number": n,
                "kind": "joint_meeting" if meeting else rng.choice(ESCALATION_KINDS),
                "level": 5 if meeting else rng.randrange(1, 5),
                "tier": None,
                "department": rng.choice(departments),
                "step": None,
                "reason": "bench",
                "raised_by": "system",
                "raised_at": now - timedelta(hours=rng.randrange(2000)),
                "due_at": now + timedelta(days=2),
                "outcome": "open" if meeting else rng.choice(("open", "done", "escalated")),
                "ended_at": None,
                "ended_by": None,
                "workflow_id": None,
                "detail": {"departments": summoned} if meeting else {},
                "version": 1,
            }
        )
    return rows


async def signed_in_client(stack: Stack, role: Role, department: str | None) -> httpx.AsyncClient:
    engine = create_engine(stack.settings.resolved_database_url())
    username = f"bench-{role.value}-{uuid.uuid4().hex[:6]}"
    try:
        await add_user(
            session_factory(engine),
            username=username,
            display_name=username,
            role=role,
            password=PASSWORD,
            department=department,
        )
    finally:
        await engine.dispose()
    client = httpx.AsyncClient(base_url=stack.base_url, timeout=60)
    answer = await client.post("/sign-in", data={"username": username, "password": PASSWORD})
    if answer.status_code != 303:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    return client


async def timed(client: httpx.AsyncClient, path: str, repeats: int) -> dict[str, float]:
    (await client.get(path)).raise_for_status()  # warm: statements compiled, pages cached
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        (await client.get(path)).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(timings, 0.5), 1),
        "p95_ms": round(percentile(timings, 0.95), 1),
    }


async def timed_search(client: httpx.AsyncClient, typed: str, repeats: int) -> dict[str, float]:
    """The top bar's search box: a POST of what was typed (CSRF token from a page)."""
    shown = (await client.get("/tickets?page_size=1")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', shown)
    if token is None:
        raise SystemExit("no CSRF token on the search page")
    form = {"csrf_token": token.group(1), "q": typed}
    timings = []
    for _ in range(repeats + 1):  # the first one warms
        started = time.perf_counter()
        answer = await client.post("/find", data=form)
        if answer.status_code >= 400:
            raise SystemExit(f"the search for {typed!r} answered {answer.status_code}")
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "p50_ms": round(percentile(timings[1:], 0.5), 1),
        "p95_ms": round(percentile(timings[1:], 0.95), 1),
    }


Clients = dict[str, tuple[httpx.AsyncClient, str]]


def workbench_pages(
    agent: httpx.AsyncClient,
    clerk: httpx.AsyncClient,
    supervisor: httpx.AsyncClient,
    live: str,
    stored: str,
) -> Clients:
    """The pages timed, by name: who asks, and the path (``live``: a ticket with its
    workflow running; ``stored``: one the read model alone holds)."""
    return {
        "department_inbox": (clerk, "/inbox"),
        "department_queues_fragment": (clerk, "/queues"),
        "agent_desk": (agent, "/desk"),
        "agent_queues_fragment": (agent, "/queues"),
        "ticket_page_live": (clerk, f"/tickets/{live}"),
        "ticket_page_stored": (agent, f"/tickets/{stored}"),
        "search_handling": (agent, "/tickets?status=handling"),
        # A whole family of the tree: every category below 城市管理.
        "search_category_group": (agent, "/tickets?category=01"),
        # The desk's picker as the agent types: a synonym, then pinyin initials.
        "category_search_synonym": (agent, "/desk/categories?category_query=摊贩"),
        "category_search_pinyin": (agent, "/desk/categories?category_query=zdjy"),
        "supervision_board": (supervisor, "/board"),
        "board_charts_json": (supervisor, "/board/charts.json"),
        # The read model's tickets span 90 days: last month holds about a third of them.
        "statistics_last_month": (supervisor, "/stats?period=last_month"),
        "statistics_today": (supervisor, "/stats?period=today"),
        "hot_spots_last_month": (supervisor, "/hotspots?period=last_month"),
        "escalation_history": (supervisor, "/escalations"),
        "escalation_history_open_meetings": (
            supervisor,
            "/escalations?kind=joint_meeting&outcome=open",
        ),
    }


def topbar_searches(
    agent: httpx.AsyncClient, clerk: httpx.AsyncClient, live: str, phone: str
) -> Clients:
    """The top bar's searches timed, by name: who types, and what."""
    return {
        "topbar_search_phone_agent": (agent, phone),
        "topbar_search_phone_department": (clerk, "13812341234"),
        "topbar_search_number": (agent, live),
        "topbar_search_category_words": (agent, "占道"),
    }


async def measure(rows: int, escalations: int, repeats: int) -> dict[str, Any]:
    async with running_stack() as stack:
        real = await real_tickets(stack, 20)
        started = time.perf_counter()
        await fill_read_model(stack, rows, escalations)
        filled_s = round(time.perf_counter() - started, 1)
        agent = await signed_in_client(stack, Role.AGENT, None)
        clerk = await signed_in_client(stack, Role.DEPARTMENT, DEPARTMENT)
        supervisor = await signed_in_client(stack, Role.SUPERVISOR, None)
        pages = workbench_pages(agent, clerk, supervisor, real[0], "SYN-0000042")
        figures = {name: await timed(c, path, repeats) for name, (c, path) in pages.items()}
        searches = topbar_searches(agent, clerk, real[0], "13900000042")
        for name, (client, typed) in searches.items():
            figures[name] = await timed_search(client, typed, repeats)
        for client in (agent, clerk, supervisor):
            await client.aclose()
        return {
            "machine": machine(),
            "read_model_tickets": rows + len(real),
            "escalation_records": escalations,
            "fill_s": filled_s,
            "repeats": repeats,
            "pages": figures,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--escalations", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=60)
    arguments = parser.parse_args()
    result = asyncio.run(measure(arguments.rows, arguments.escalations, arguments.repeats))
    print(f"{'page':32} {'p50 ms':>8} {'p95 ms':>8}   (targets p95: desk, inbox, ticket, search")
    print(f"{'':52}and the category search < 150 ms;")
    print(f"{'':52}board, statistics, history < 300 ms)")
    for name, figure in result["pages"].items():
        print(f"{name:32} {figure['p50_ms']:8} {figure['p95_ms']:8}")
    out = ROOT / "bench" / "results" / f"pages-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"
    Path(out).parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
