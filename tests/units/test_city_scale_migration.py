"""Migration 0019: the indexes of a department's queues and of the board are built on a
read model that already holds tickets, go again on a downgrade, and a department's queue
of its own rows is then read from its index, in waiting order, never by walking the
tickets' own order."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, inspect, select, text
from sqlalchemy.dialects import sqlite

from hotline.database import alembic_config
from schema.tables import Ticket
from schema.ticket import Actor, Role
from services.queues import QUEUE_BY_KEY, ROWS_ORDER
from tests.support.rows import ticket_row

NEW = {
    "ticket_departments": {
        "ix_ticket_departments_overdue",
        "ix_ticket_departments_supervised",
        "ix_ticket_departments_assisting",
        "ix_ticket_departments_duty",
        "ix_ticket_departments_ticket_no",
    },
    "tickets": {"ix_tickets_overdue_status_lead", "ix_tickets_district_status"},
    "escalations": {"ix_escalations_outcome_kind"},
}


def _indexes(url: str) -> dict[str, set[str]]:
    engine = create_engine(url)
    try:
        found = inspect(engine)
        return {table: {i["name"] or "" for i in found.get_indexes(table)} for table in NEW}
    finally:
        engine.dispose()


async def test_the_indexes_come_and_go_and_a_queue_reads_its_own(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    plain = f"sqlite:///{tmp_path / 'read-model.db'}"
    config = alembic_config(url)
    await asyncio.to_thread(command.upgrade, config, "0018")
    engine = create_engine(plain)
    try:
        tickets = Table("tickets", MetaData(), autoload_with=engine)
        members = Table("ticket_departments", MetaData(), autoload_with=engine)
        start = datetime(2026, 11, 1, tzinfo=UTC)
        rows = [ticket_row(f"T-{n:04d}", "handling", ",water,", {}) for n in range(300)]
        with engine.begin() as connection:
            connection.execute(insert(tickets), rows)
            connection.execute(
                insert(members),
                [
                    {
                        "department": "water",
                        "ticket_no": row["ticket_no"],
                        "status": "handling",
                        "lead": True,
                        "delegated": False,
                        "overdue": n % 3 == 0,
                        "created_at": start + timedelta(hours=n),
                    }
                    for n, row in enumerate(rows)
                ],
            )
    finally:
        engine.dispose()
    before = _indexes(plain)
    assert all(not (names & before[table]) for table, names in NEW.items())

    await asyncio.to_thread(command.upgrade, config, "0019")
    after = _indexes(plain)
    assert all(names <= after[table] for table, names in NEW.items())

    # The overdue queue's page: found through its index, in its order (no sort step).
    actor = Actor(sub="clerk", role=Role.DEPARTMENT, department="water")
    conditions = await QUEUE_BY_KEY["overdue"].conditions(None, actor)  # type: ignore[arg-type]
    page = (
        select(Ticket.ticket_no)
        .where(*conditions)
        .order_by(*(c.asc() for c in ROWS_ORDER))
        .limit(20)
    )
    compiled = page.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
    engine = create_engine(plain)
    try:
        with engine.connect() as connection:
            plan = " ".join(
                str(row[-1]) for row in connection.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
            first = connection.execute(text(str(compiled))).scalars().all()
    finally:
        engine.dispose()
    assert "ix_ticket_departments_overdue" in plan
    assert "TEMP B-TREE" not in plan
    assert first == [f"T-{n:04d}" for n in range(0, 60, 3)]

    await asyncio.to_thread(command.downgrade, config, "0018")
    again = _indexes(plain)
    assert all(not (names & again[table]) for table, names in NEW.items())
