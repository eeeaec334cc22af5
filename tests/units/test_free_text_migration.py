"""Migration 0015 seals every free text an older version stored in clear — a ticket's
document whole, its timeline, notices, rungs, reports and the catalogue's notes — across
several of its batches, and leaves no clear copy in the database file."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from alembic import command
from sqlalchemy import Connection, MetaData, Table, delete, insert, select

from hotline import sealing
from hotline.database import alembic_config, create_engine, upgrade_database
from hotline.payload_codec import EncryptionKeys
from schema.tables import (
    CatalogueChange,
    Report,
    RoutingRule,
    StoredEscalation,
    StoredNotification,
    Ticket,
    TicketEvent,
)
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.read_model import drop_postgres_database, fresh_postgres_database, postgres_url

PHONE, ID_CARD = "13912345678", "110101199003071234"
QUOTED = f"请回电 {PHONE}，身份证 {ID_CARD}"
AT = datetime(2026, 11, 30, tzinfo=UTC)
EVENTS = 620  # more than one batch of the migration's


def _ticket(no: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "ticket_no": no,
        "version": 1,
        "status": "handling",
        "type": "complaint",
        "category": "street-vendors",
        "urgency": "general",
        "district": "dinghai",
        "lead_department": "urban-management",
        "department_codes": ",urban-management,",
        "overdue": False,
        "escalation_level": 3,
        "rework_count": 0,
        "created_at": AT,
        "updated_at": AT,
        "document": {"ticket_no": no, **document},
    }


CITIZEN = {"name": "张三", "phone": PHONE}
# Long enough to spill onto overflow pages, which SQLite frees without clearing them.
CLEAR_DOCUMENT = {"description": QUOTED + "。" * 3000, "citizen": CITIZEN}


def _store_clear_rows(connection: Connection) -> None:
    """Rows as revision 0014 stored them: free text in clear, only a citizen sealed."""
    tables = MetaData()
    table = {name: Table(name, tables, autoload_with=connection) for name in CLEAR_TABLES}
    citizen_sealed = sealing.sealer().seal(CITIZEN, sealing.CITIZEN)
    connection.execute(
        insert(table["tickets"]),
        [
            _ticket("T-1", CLEAR_DOCUMENT),
            _ticket("T-2", {**CLEAR_DOCUMENT, "citizen": citizen_sealed}),
        ],
    )
    connection.execute(
        insert(table["ticket_events"]),
        [
            {"ticket_no": "T-1", "seq": seq, "at": AT, "actor": "a", "action": "progress"}
            | {"detail": {"content": f"{seq} {QUOTED}"}}
            for seq in range(1, EVENTS + 1)
        ],
    )
    # A lost attempt's event, deleted by the attempt that counted: on a page freed in
    # clear (SQLite builds without secure deletion leave it so).
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = OFF")
    lost = table["ticket_events"]
    connection.execute(
        insert(lost),
        {"ticket_no": "T-1", "seq": EVENTS + 1, "at": AT, "actor": "a", "action": "progress"}
        | {"detail": {"content": QUOTED * 200}},
    )
    connection.execute(delete(lost).where(lost.c.seq == EVENTS + 1))
    connection.execute(
        insert(table["notifications"]),
        {"id": "n-1", "ticket_no": "T-1", "seq": 1, "recipient": "centre"}
        | {"kind": "progress", "message": QUOTED, "at": AT},
    )
    connection.execute(
        insert(table["escalations"]),
        {"id": "T-1/1", "ticket_no": "T-1", "number": 1, "kind": "supervision_order"}
        | {"level": 3, "reason": QUOTED, "raised_by": "supervisor:li", "raised_at": AT}
        | {"outcome": "open", "detail": {"note": QUOTED}, "version": 2},
    )
    connection.execute(
        insert(table["reports"]),
        {"id": "daily-2026-11-30", "kind": "daily", "period_from": AT, "period_to": AT}
        | {"created_at": AT, "content": {"top": QUOTED}, "markdown": f"# {QUOTED}"},
    )
    connection.execute(
        insert(table["routing_rules"]),
        {"category": "street-vendors", "lead": "urban-management", "assisting": []}
        | {"note": QUOTED},
    )
    connection.execute(
        insert(table["catalogue_changes"]),
        {"at": AT, "actor": "admin:wang", "entity": "routing_rule", "key": "1"}
        | {"action": "created", "before": None, "after": {"note": QUOTED}, "note": QUOTED},
    )


CLEAR_TABLES = (
    "tickets",
    "ticket_events",
    "notifications",
    "escalations",
    "reports",
    "routing_rules",
    "catalogue_changes",
)
# Each free-text column as the application reads it (through its sealed type).
READ = {
    "tickets.document": select(Ticket.document).order_by(Ticket.ticket_no),
    "ticket_events.detail": select(TicketEvent.detail).order_by(TicketEvent.seq),
    "notifications.message": select(StoredNotification.message),
    "escalations.reason": select(StoredEscalation.reason),
    "escalations.detail": select(StoredEscalation.detail),
    "reports.content": select(Report.content),
    "reports.markdown": select(Report.markdown),
    "routing_rules.note": select(RoutingRule.note),
    "catalogue_changes.note": select(CatalogueChange.note),
    "catalogue_changes.after": select(CatalogueChange.after),
}


def _read(connection: Connection) -> dict[str, list[Any]]:
    return {name: list(connection.scalars(query)) for name, query in READ.items()}


def _stored(connection: Connection) -> dict[str, list[Any]]:
    """The same columns as stored, without their types."""
    tables = MetaData()
    found = {}
    for name in READ:
        table_name, column = name.split(".")
        table = Table(table_name, tables, autoload_with=connection)
        found[name] = list(connection.scalars(select(table.c[column])))
    return found


def _files_holding_numbers(folder: Path) -> list[str]:
    held = []
    for path in folder.iterdir():
        raw = path.read_bytes()
        if PHONE.encode() in raw or ID_CARD.encode() in raw:
            held.append(path.name)
    return held


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty read-model database's URL: a file of its own, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
        return
    fresh = await fresh_postgres_database()
    if fresh is None:
        pytest.skip(f"no PostgreSQL at {postgres_url()}")
    url, name = fresh
    yield url
    await drop_postgres_database(name)


async def test_clear_free_text_is_sealed_by_the_migration(database: str, tmp_path: Path) -> None:
    sealing.use_keys(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))
    await asyncio.to_thread(command.upgrade, alembic_config(database), "0014")
    engine = create_engine(database)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_store_clear_rows)
            before = await connection.run_sync(_read)
        assert before["tickets.document"][1]["citizen"] == CITIZEN  # opened from the old form

        await upgrade_database(database)

        async with engine.connect() as connection:
            stored = await connection.run_sync(_stored)
            assert all(sealing.is_sealed(v) for values in stored.values() for v in values)
            assert len(stored["ticket_events.detail"]) == EVENTS
            assert await connection.run_sync(_read) == before  # every reader reads the same
        await engine.dispose()
        assert _files_holding_numbers(tmp_path) == []  # nor in SQLite's free pages

        await asyncio.to_thread(command.downgrade, alembic_config(database), "0014")
        async with engine.connect() as connection:
            stored = await connection.run_sync(_stored)
            assert stored["routing_rules.note"] == [QUOTED]  # as 0014 stored them again
            documents = stored["tickets.document"]
            assert [sealing.is_sealed(d["citizen"]) for d in documents] == [True, True]
            assert await connection.run_sync(_read) == before
    finally:
        await engine.dispose()
