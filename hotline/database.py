"""Engine, sessions, dialect-neutral upserts and migrations for the read model."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from schema.tables import Base

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def create_engine(url: str) -> AsyncEngine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    _private_sqlite_file(url)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets the API read while the worker writes; busy_timeout waits instead of failing.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def _private_sqlite_file(url: str) -> None:
    """Make a SQLite database's file (and folder) before SQLite does, readable by its owner
    only: it holds citizens' tickets (its -wal and -shm files take the same mode)."""
    database = make_url(url).database
    if make_url(url).get_backend_name() == "sqlite" and database and database != ":memory:":
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Never open an existing database file here: closing any descriptor of it drops
        # every POSIX lock this process's SQLite connections hold on it, and another
        # process (``hotline user add`` beside ``hotline up``) would then take itself for
        # the only user, checkpoint and remove the WAL under them ("disk I/O error").
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def insert_for(session: AsyncSession, table: Any) -> Any:
    """An INSERT that knows ``on_conflict_do_*`` on both supported dialects."""
    return _dialect_insert(session.get_bind().dialect.name, table)


def _dialect_insert(dialect: str, table: Table) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


@cache
def _upsert_statement(
    dialect: str,
    table: Table,
    columns: tuple[str, ...],
    newer_by: str | None,
    returning: bool = False,
) -> Any:
    # Values come as execution parameters, so the compiled statement is cached and reused:
    # building and compiling an upsert per write cost the worker more than the write itself.
    statement = _dialect_insert(dialect, table)
    keys = {column.name for column in table.primary_key}
    stored = table.c[newer_by] if newer_by is not None else None
    upsert = statement.on_conflict_do_update(
        index_elements=list(table.primary_key),
        set_={name: statement.excluded[name] for name in columns if name not in keys},
        where=None
        if stored is None
        else stored.is_(None) | (stored <= statement.excluded[newer_by]),
    )
    return upsert.returning(*table.primary_key) if returning else upsert


async def upsert_fenced(
    session: AsyncSession, model: type[Base], row: Mapping[str, Any], *, fence: str
) -> bool:
    """Insert ``row`` or overwrite the stored one unless the stored ``fence`` is higher;
    whether it was written. The row stays locked to this transaction either way."""
    dialect = session.get_bind().dialect.name
    table = cast(Table, model.__table__)
    statement = _upsert_statement(dialect, table, tuple(row), fence, returning=True)
    return (await session.execute(statement, dict(row))).first() is not None


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    newer_by: str | None = None,
) -> None:
    """Insert ``rows`` (all with the same keys) or overwrite the stored ones; with
    ``newer_by``, a stored row is overwritten only by a row whose ``newer_by`` column is
    at least as high."""
    if rows:
        dialect = session.get_bind().dialect.name
        table = cast(Table, model.__table__)
        statement = _upsert_statement(dialect, table, tuple(rows[0]), newer_by)
        await session.execute(statement, list(rows))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_database(url: str) -> None:
    """Apply every migration; a thread keeps Alembic's own event loop off ours."""
    _private_sqlite_file(url)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
