"""Migration 0014: units get their place in the hierarchy (none yet), and the parts
assisting departments still owe on open tickets become their queue's duty."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, select

from hotline.database import alembic_config, upgrade_database
from tests.support.rows import ticket_row

OWED = {"department": "urban-management", "due_at": "2026-12-03T10:00:00+00:00"}
GIVEN = {**OWED, "department": "justice", "submitted_at": "2026-12-01T10:00:00+00:00"}


async def test_parts_still_owed_become_a_duty(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0013")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    try:
        meta = MetaData()
        tickets = Table("tickets", meta, autoload_with=engine)
        members = Table("ticket_departments", meta, autoload_with=engine)
        departments = Table("departments", meta, autoload_with=engine)
        open_one = ticket_row("T-1", "handling", ",ecology,urban-management,justice,", {})
        open_one["document"] = {"ticket_no": "T-1", "parts": [OWED, GIVEN]}
        closed_one = ticket_row("T-2", "closed", ",ecology,urban-management,", {})
        closed_one["document"] = {"ticket_no": "T-2", "parts": [OWED]}
        rows = [
            {
                "department": code,
                "ticket_no": no,
                "status": status,
                "lead": code == "ecology",
                "overdue": False,
                "created_at": open_one["created_at"],
            }
            for no, status, codes in (
                ("T-1", "handling", ["ecology", "urban-management", "justice"]),
                ("T-2", "closed", ["ecology", "urban-management"]),
            )
            for code in codes
        ]
        with engine.begin() as connection:
            connection.execute(insert(tickets), [open_one, closed_one])
            connection.execute(insert(members), rows)
            connection.execute(
                insert(departments),
                [
                    {
                        "code": "ecology",
                        "name": "e",
                        "name_zh": "e",
                        "kind": "department",
                        "active": True,
                    }
                ],
            )
        await upgrade_database(url)
        meta = MetaData()
        members = Table("ticket_departments", meta, autoload_with=engine)
        departments = Table("departments", meta, autoload_with=engine)
        with engine.connect() as connection:
            duties = connection.execute(
                select(
                    members.c.ticket_no, members.c.department, members.c.duty, members.c.delegated
                ).order_by(members.c.ticket_no, members.c.department)
            ).all()
            parents = connection.execute(select(departments.c.code, departments.c.parent)).all()
    finally:
        engine.dispose()
    assert [tuple(d) for d in duties] == [
        ("T-1", "ecology", None, False),
        ("T-1", "justice", None, False),  # given already
        ("T-1", "urban-management", "part", False),
        ("T-2", "ecology", None, False),
        ("T-2", "urban-management", None, False),  # closed: owes nothing
    ]
    assert [tuple(p) for p in parents] == [("ecology", None)]
