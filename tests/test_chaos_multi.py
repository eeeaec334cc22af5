"""Two workers and two API processes behind one address, one truth (tests/chaos_multi.py):
idempotency keys, web sessions and sign-in throttling shared by the API processes; then
a worker, an API process and the server SIGKILLed, a worker frozen, the database cut off,
every intake and action sent twice at once, and every timeline compared with its history."""

from __future__ import annotations

import pytest

from tests.chaos_multi import run_multi_chaos
from tests.support.read_model import drop_postgres_database, fresh_postgres_database

pytestmark = pytest.mark.e2e  # its own dev server, workers and API processes, PostgreSQL

BURST_TICKETS, PER_TICKET = 10, 6


async def test_two_workers_and_two_apis_keep_one_truth() -> None:
    fresh = await fresh_postgres_database()
    if fresh is None:
        pytest.skip("no PostgreSQL answers: the processes share the read model through it")
    try:
        figures, problems = await run_multi_chaos(
            tickets=4,
            rounds=4,  # one of each: a worker, an API process, the server, the database
            database_url=fresh[0],
            burst_tickets=BURST_TICKETS,
            per_ticket=PER_TICKET,
        )
    finally:
        await drop_postgres_database(fresh[1])
    assert problems == []
    assert figures.tickets == 5 and figures.burst_tickets == BURST_TICKETS
    assert figures.burst_actions == BURST_TICKETS * PER_TICKET * 4  # four bursts
    assert figures.twin_requests >= 5 * 4 + BURST_TICKETS * 2
    assert figures.differing_twin_answers == 0
    assert figures.timeline_differences == 0
    assert (figures.lost_actions, figures.repeated_actions, figures.workflow_task_failures) == (
        0,
        0,
        0,
    )
    assert figures.worker_kills >= 2 and figures.api_kills >= 2 and figures.worker_stalls == 1
    assert figures.server_restarts >= 2 and figures.database_outages >= 1
    assert figures.answered_503["temporal_unavailable (probe)"] >= 1
