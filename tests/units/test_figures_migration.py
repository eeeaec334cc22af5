"""Migration 0010 counts every stored ticket for statistics from its document and its
timeline (a missed sign deadline, an answer on the spot), across its batches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, select

from hotline.database import alembic_config, upgrade_database
from tests.units.test_workbench_migration import _ticket


async def test_stored_tickets_are_counted(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0009")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    rated = {"satisfaction": "satisfied", "solved": True}
    try:
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        events = Table("ticket_events", MetaData(), autoload_with=engine)
        many = [
            _ticket(f"T-{n:05d}", "closed", ",water,", {"lead_department": "water"})
            for n in range(1500)
        ]
        late = _ticket(
            "T-99998",
            "closed",
            ",housing,",
            {"lead_department": "housing", "closure_reason": "rated", "rating": rated},
        )
        answered = _ticket(
            "T-99999", "closed", ",", {"lead_department": None, "closure_reason": "rated"}
        )
        at = datetime(2026, 11, 30, tzinfo=UTC)
        with engine.begin() as connection:
            connection.execute(insert(tickets), [*many, late, answered])
            connection.execute(
                insert(events),
                [
                    {"ticket_no": "T-99998", "seq": 3, "at": at, "actor": "timer",
                     "action": "reminder", "detail": {"step": "sign"}},
                    {"ticket_no": "T-99999", "seq": 2, "at": at, "actor": "agent:x",
                     "action": "answered", "detail": {}},
                ],
            )  # fmt: skip
        await upgrade_database(url)
        figures = Table("ticket_figures", MetaData(), autoload_with=engine)
        with engine.connect() as connection:
            counted = {row.ticket_no: row for row in connection.execute(select(figures)).all()}
    finally:
        engine.dispose()
    assert len(counted) == 1502
    late_row, answered_row = counted["T-99998"], counted["T-99999"]
    assert (late_row.dispatched, late_row.responded, late_row.closed, late_row.solved) == (
        1, 0, 1, 1,
    )  # fmt: skip
    assert late_row.lead_department == "housing"
    assert (answered_row.dispatched, answered_row.answered, answered_row.closed) == (0, 1, 1)
