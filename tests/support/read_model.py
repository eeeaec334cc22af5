"""Read models for the tests: opened, migrated and given the demo city; a fresh PostgreSQL
database when one answers."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import asyncpg
from sqlalchemy.engine.url import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from hotline import sealing
from hotline.database import create_engine, session_factory, upgrade_database
from hotline.payload_codec import EncryptionKeys
from startup.demo_city import load_demo_city
from tests.support.keys import TEST_ENCRYPTION_KEYS


@dataclass
class ReadModel:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


async def open_read_model(url: str) -> ReadModel:
    sealing.use_keys(EncryptionKeys.parse(TEST_ENCRYPTION_KEYS))  # its citizens, sealed
    await upgrade_database(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    await load_demo_city(sessions)
    return ReadModel(url=url, engine=engine, sessions=sessions)


def postgres_url() -> str:
    """PostgreSQL for the read-model suite: TEST_POSTGRES_URL, else the local server."""
    return os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://root@127.0.0.1:5432/test")


async def _admin_connection() -> asyncpg.Connection:
    url = make_url(postgres_url())
    return await asyncpg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        database=url.database,
        timeout=3,
    )


async def fresh_postgres_database() -> tuple[str, str] | None:
    """(url of a new empty database, its name), or None when no PostgreSQL answers."""
    name = f"hotline_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = await _admin_connection()
    except (TimeoutError, OSError, asyncpg.PostgresError):
        return None
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = make_url(postgres_url()).set(database=name)
    return url.render_as_string(hide_password=False), name


async def drop_postgres_database(name: str) -> None:
    admin = await _admin_connection()
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
