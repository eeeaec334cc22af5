"""Migration 0008 fills what the workbench's queues select on from the tickets already
stored: the review owed and the standing order of open tickets, and one row per
department on every ticket — across several of its batches."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, select

from hotline.database import alembic_config, upgrade_database
from tests.support.rows import ticket_row


async def test_existing_tickets_get_their_queue_columns_and_departments(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0007")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    try:
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        closed = [
            ticket_row(f"T-{n:05d}", "closed", ",water,", {"pending_review": None})
            for n in range(2500)
        ]
        waiting = ticket_row(
            "T-99998",
            "handling",
            ",housing,ecology,",
            {"pending_review": "extension", "supervision_tier": "orange"},
        )
        plain = ticket_row("T-99999", "dispatched", ",housing,", {"pending_review": None})
        with engine.begin() as connection:
            connection.execute(insert(tickets), [*closed, waiting, plain])
        await upgrade_database(url)
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        members = Table("ticket_departments", MetaData(), autoload_with=engine)
        with engine.connect() as connection:
            queued = connection.execute(
                select(
                    tickets.c.ticket_no, tickets.c.pending_review, tickets.c.supervision_tier
                ).where(tickets.c.pending_review.is_not(None))
            ).all()
            rows = connection.execute(
                select(members.c.ticket_no, members.c.department, members.c.lead)
                .where(members.c.ticket_no.in_(["T-99998", "T-99999", "T-00000", "T-02499"]))
                .order_by(members.c.ticket_no, members.c.department)
            ).all()
            every = connection.execute(select(members.c.ticket_no)).all()
    finally:
        engine.dispose()
    assert queued == [("T-99998", "extension", "orange")]
    assert [tuple(r) for r in rows] == [
        ("T-00000", "water", True),
        ("T-02499", "water", True),
        ("T-99998", "ecology", False),
        ("T-99998", "housing", True),
        ("T-99999", "housing", True),
    ]
    assert len(every) == 2500 + 2 + 1  # every ticket, each of its departments once
