"""A small chaos run in CI: worker killed, Temporal restarted, database cut off; then 200
concurrent actions over 20 tickets through a worker kill and a server kill, every timeline
compared with its history event by event (tests/chaos.py)."""

from __future__ import annotations

import pytest

from tests.chaos import run_chaos
from tests.support.read_model import drop_postgres_database, fresh_postgres_database

pytestmark = pytest.mark.e2e  # run_chaos starts a dev server and worker processes of its own


async def test_chaos_loses_and_repeats_nothing() -> None:
    fresh = await fresh_postgres_database()  # the outage needs a networked database
    try:
        figures = await run_chaos(
            tickets=4,
            rounds=3,
            database_url=fresh[0] if fresh else None,
            burst_tickets=20,
            per_ticket=10,
        )
    finally:
        if fresh:
            await drop_postgres_database(fresh[1])
    assert figures.tickets == 5
    assert (figures.burst_tickets, figures.burst_actions) == (20, 400)  # two bursts
    assert figures.timeline_differences == 0
    assert figures.worker_kills >= 2 and figures.server_restarts >= 2
    assert figures.answered_503["temporal_unavailable (probe)"] >= 1
    if fresh:
        assert figures.database_outages >= 1
    assert (figures.lost_actions, figures.repeated_actions, figures.workflow_task_failures) == (
        0,
        0,
        0,
    )
