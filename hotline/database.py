"""Engine, sessions, dialect-neutral upserts and migrations for the read model."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import sqlalchemy
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Table, event
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


P = ParamSpec("P")
T = TypeVar("T")


def create_engine(url: str) -> AsyncEngine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    _private_sqlite_file(url)
    engine = create_async_engine(url, connect_args={"timeout": 30})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker writes; busy_timeout waits instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class WriteTransactions:
    """Runs a plain function in one read-model transaction, on a Core connection.

    On SQLite it runs in a thread of its own on a blocking connection: aiosqlite hops to
    its thread and back for every cursor, execute and fetch, which made a transition's ten
    statements cost the worker several times the statements themselves (bench/). One
    thread also queues the writers in order, as SQLite takes one at a time. On
    PostgreSQL it runs on the asyncpg connection through ``run_sync``.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._blocking: sqlalchemy.Engine | None = None
        self._thread: ThreadPoolExecutor | None = None
        if engine.dialect.name == "sqlite":
            self._blocking = sqlalchemy.create_engine(
                engine.url.set(drivername="sqlite"), connect_args={"timeout": 30}
            )
            event.listen(self._blocking, "connect", _sqlite_pragmas)
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="read-model-writer")

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    async def run(
        self, work: Callable[Concatenate[Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        if self._thread is None:
            async with self._engine.begin() as connection:
                return await connection.run_sync(work, *args, **kwargs)
        loop = asyncio.get_running_loop()
        in_transaction = partial(self._in_blocking_transaction, work, *args, **kwargs)
        return await loop.run_in_executor(self._thread, in_transaction)

    def _in_blocking_transaction(
        self, work: Callable[..., T], *args: object, **kwargs: object
    ) -> T:
        assert self._blocking is not None
        with self._blocking.begin() as connection:
            return work(connection, *args, **kwargs)


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
    tie_by: str | None = None,
) -> Any:
    # Values come as execution parameters, so the compiled statement is cached and reused:
    # building and compiling an upsert per write cost the worker more than the write itself.
    statement = _dialect_insert(dialect, table)
    keys = {column.name for column in table.primary_key}
    where = None
    if newer_by is not None:
        stored, given = table.c[newer_by], statement.excluded[newer_by]
        at_least = stored <= given
        if tie_by is not None:  # an equal one only if its second key is no lower
            tied_stored, tied_given = table.c[tie_by], statement.excluded[tie_by]
            at_least = (stored < given) | (
                (stored == given) & (tied_stored.is_(None) | (tied_stored <= tied_given))
            )
        where = stored.is_(None) | at_least
    upsert = statement.on_conflict_do_update(
        index_elements=list(table.primary_key),
        set_={name: statement.excluded[name] for name in columns if name not in keys},
        where=where,
    )
    return upsert.returning(*table.primary_key) if returning else upsert


def upsert_fenced(
    connection: Connection,
    model: type[Base],
    row: Mapping[str, Any],
    *,
    fence: str,
    tie: str | None = None,
) -> bool:
    """Insert ``row`` or overwrite the stored one unless the stored ``fence`` is higher
    (or, with ``tie``, equal with a higher ``tie``); whether it was written. The row stays
    locked to this transaction either way."""
    table = cast(Table, model.__table__)
    dialect = connection.dialect.name
    statement = _upsert_statement(dialect, table, tuple(row), fence, True, tie)
    return connection.execute(statement, dict(row)).first() is not None


def upsert_rows(
    connection: Connection,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    newer_by: str | None = None,
) -> None:
    """Insert ``rows`` (all with the same keys) or overwrite the stored ones; with
    ``newer_by``, a stored row is overwritten only by a row whose ``newer_by`` column is
    at least as high."""
    if rows:
        table = cast(Table, model.__table__)
        statement = _upsert_statement(connection.dialect.name, table, tuple(rows[0]), newer_by)
        connection.execute(statement, list(rows))


def insert_missing(
    connection: Connection, model: type[Base], rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert the ``rows`` whose key is not stored yet; a stored one stays as it is."""
    if rows:
        table = cast(Table, model.__table__)
        statement = _dialect_insert(connection.dialect.name, table).on_conflict_do_nothing()
        connection.execute(statement, list(rows))


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    *,
    newer_by: str | None = None,
) -> None:
    """``upsert_rows`` in a session's transaction."""
    if rows:
        await session.run_sync(
            lambda blocking: upsert_rows(blocking.connection(), model, rows, newer_by=newer_by)
        )


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_database(url: str) -> None:
    """Apply every migration; a thread keeps Alembic's own event loop off ours."""
    _private_sqlite_file(url)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
