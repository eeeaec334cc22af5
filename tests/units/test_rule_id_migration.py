"""Migration 0009: on SQLite a routing rule's id is never handed out again, neither the
id of a rule deleted before the migration (its history still names it) nor after it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, delete, insert

from hotline.database import alembic_config, upgrade_database


def _rule(category: str) -> dict[str, object]:
    return {"category": category, "district": None, "lead": "water", "assisting": []}


async def test_a_deleted_rules_id_is_not_given_again(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0008")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    try:
        rules = Table("routing_rules", MetaData(), autoload_with=engine)
        changes = Table("catalogue_changes", MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(insert(rules), [_rule("a"), _rule("b"), _rule("c")])
            connection.execute(delete(rules).where(rules.c.id == 3))
            connection.execute(
                insert(changes),
                {
                    "at": datetime(2026, 11, 30, tzinfo=UTC),
                    "actor": "admin:test",
                    "entity": "routing_rule",
                    "key": "3",
                    "action": "deleted",
                },
            )
        await upgrade_database(url)
        rules = Table("routing_rules", MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            after_migration = connection.execute(insert(rules).values(_rule("d"))).lastrowid
            connection.execute(delete(rules).where(rules.c.id == after_migration))
            next_one = connection.execute(insert(rules).values(_rule("e"))).lastrowid
    finally:
        engine.dispose()
    assert after_migration == 4  # not 3: the history names rule 3
    assert next_one == 5  # not 4 again
