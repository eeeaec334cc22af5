"""Migration 0010 counts every stored ticket for statistics from its document and its
timeline (a missed sign deadline, an answer on the spot), across its batches."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, select

from hotline.database import alembic_config, upgrade_database
from tests.support.rows import ticket_row


async def test_stored_tickets_are_counted(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0009")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    rated = {"satisfaction": "satisfied", "solved": True}
    try:
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        events = Table("ticket_events", MetaData(), autoload_with=engine)
        many = [
            ticket_row(f"T-{n:05d}", "closed", ",water,", {"lead_department": "water"})
            for n in range(1500)
        ]
        late = ticket_row(
            "T-99998",
            "closed",
            ",housing,",
            {"lead_department": "housing", "closure_reason": "rated", "rating": rated},
        )
        answered = ticket_row(
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


async def test_tickets_reworked_before_0016_are_counted(tmp_path: Path) -> None:
    """Reworked and rated before the rework figures existed: counted from the documents,
    which 0015 sealed on the way."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0014")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")

    def rated(satisfaction: str, rework_count: int) -> dict[str, object]:
        return {
            "lead_department": "water",
            "closure_reason": "rated",
            "rework_count": rework_count,
            "rating": {"satisfaction": satisfaction, "solved": True},
        }

    try:
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        rows = [
            ticket_row("T-1", "closed", ",water,", rated("satisfied", 1)),
            ticket_row("T-2", "closed", ",water,", rated("unsatisfied", 2)),
            ticket_row("T-3", "closed", ",water,", rated("satisfied", 0)),
        ]
        with engine.begin() as connection:
            connection.execute(insert(tickets), rows)
        # 0010 counted them at 0009; here the figures come from the stored documents.
        await asyncio.to_thread(command.downgrade, alembic_config(url), "0009")
        await upgrade_database(url)
        figures = Table("ticket_figures", MetaData(), autoload_with=engine)
        with engine.connect() as connection:
            counted = {
                row.ticket_no: (row.reworked, row.reworked_content)
                for row in connection.execute(select(figures)).all()
            }
    finally:
        engine.dispose()
    assert counted == {"T-1": (1, 1), "T-2": (1, 0), "T-3": (0, 0)}
