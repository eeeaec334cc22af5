"""The SQLite read model shared by processes: ``hotline up`` (API and worker, an engine
each) and a command beside it (``hotline user add``) must not pull the WAL from under
each other. Opening and closing the database file outside SQLite drops every lock this
process's connections hold on it; the other process then took itself for the only user,
checkpointed and removed the WAL as it closed, and the next read here was a "disk I/O
error" (every intake answered 503 until a restart)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from sqlalchemy import text

from hotline.database import create_engine

# What a command beside it does: its own engine, a write, done.
ELSEWHERE = """
import asyncio, sys
from sqlalchemy import text
from hotline.database import create_engine

async def main():
    engine = create_engine(sys.argv[1])
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO t VALUES (2)"))
    await engine.dispose()

asyncio.run(main())
"""


async def test_another_process_leaves_this_ones_connections_working(tmp_path: Path) -> None:
    path = tmp_path / "hotline.db"
    url = f"sqlite+aiosqlite:///{path}"
    api = create_engine(url)
    async with api.begin() as connection:
        await connection.execute(text("CREATE TABLE t (x INTEGER)"))
        await connection.execute(text("INSERT INTO t VALUES (1)"))
    worker = create_engine(url)  # a second engine in this process, as in `hotline up`
    try:
        async with worker.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar() == 1
        other = await asyncio.create_subprocess_exec(sys.executable, "-c", ELSEWHERE, url)
        assert await other.wait() == 0
        async with worker.begin() as connection:
            await connection.execute(text("INSERT INTO t VALUES (3)"))
        late = create_engine(url)  # and one more, as the reports' or a restart's
        for engine in (api, worker, late):
            async with engine.connect() as connection:
                assert (await connection.execute(text("SELECT sum(x) FROM t"))).scalar() == 6
        await late.dispose()
    finally:
        await worker.dispose()
        await api.dispose()
    assert path.stat().st_mode & 0o777 == 0o600  # made private still
