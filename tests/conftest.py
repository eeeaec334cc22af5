"""Fixtures shared by every test package."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.testing import WorkflowEnvironment

from hotline.database import create_engine, session_factory, upgrade_database
from hotline.demo_city import load_demo_city
from hotline.settings import Settings
from tests.support import TEST_CONVERTER, TEST_ENCRYPTION_KEYS, binary
from workflows.search_attributes import ALL_KEYS


@dataclass
class ReadModel:
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]


async def open_read_model(url: str) -> ReadModel:
    await upgrade_database(url)
    engine = create_engine(url)
    sessions = session_factory(engine)
    await load_demo_city(sessions)
    return ReadModel(url=url, engine=engine, sessions=sessions)


@pytest.fixture(scope="session", autouse=True)
def quiet_alembic() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hotline-data")


@pytest_asyncio.fixture(scope="session")
async def sqlite_read_model(data_dir: Path) -> AsyncIterator[ReadModel]:
    model = await open_read_model(f"sqlite+aiosqlite:///{data_dir / 'read-model.db'}")
    yield model
    await model.engine.dispose()


class PolicyFile:
    """The policy file the workers read; a test rewrites it before starting its tickets."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.reset()

    def write(self, toml: str) -> None:
        self.path.write_text(toml)

    def reset(self) -> None:
        self.path.write_text("# built-in defaults\n")


@pytest.fixture(scope="session")
def session_policy(data_dir: Path) -> PolicyFile:
    return PolicyFile(data_dir / "policy.toml")


@pytest.fixture
def policy(session_policy: PolicyFile) -> Iterator[PolicyFile]:
    session_policy.reset()
    yield session_policy
    session_policy.reset()


@pytest.fixture(scope="session")
def base_settings(data_dir: Path, session_policy: PolicyFile) -> Settings:
    return Settings(
        data_dir=data_dir,
        policy=session_policy.path,
        jwt_secret="test-secret-that-is-long-enough-for-hs256",
        encryption_keys=TEST_ENCRYPTION_KEYS,
        notify_senders="database",
    )


@pytest_asyncio.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        search_attributes=ALL_KEYS,
        data_converter=TEST_CONVERTER,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()
