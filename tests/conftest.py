"""Fixtures shared by every test package, and the markers that split the suite in tiers.

``pytest -m "not e2e and not browser"`` is the fast loop: the pure units, the workflow
tests on the time-skipping test server, the replays, and the in-process tests that need
nothing running. The markers are given here, from what a test needs, not by hand.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
import structlog
from temporalio.testing import WorkflowEnvironment

from hotline import sealing
from hotline.logs import configure_logging
from hotline.payload_codec import EncryptionKeys
from hotline.settings import Settings
from tests.support.keys import TEST_ENCRYPTION_KEYS
from tests.support.policy import PolicyFile
from tests.support.read_model import ReadModel, open_read_model
from tests.support.stack import binary, free_port, start_dev_server

# Fixtures that start real processes: Temporal's dev server, `hotline up`, the API and a
# worker as processes. A test that needs one of them, even through another fixture, is e2e.
E2E_FIXTURES = frozenset({"dev_server", "stack", "running_api", "low_threshold_server"})
# Fixtures that drive Chromium.
BROWSER_FIXTURES = frozenset({"workbench"})


@pytest.hookimpl(tryfirst=True)  # before -m deselects by them
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """browser and e2e from the fixtures a test needs (a module whose test starts processes
    without such a fixture, as test_chaos does, sets pytestmark itself)."""
    tests = Path(__file__).parent
    for item in items:
        needs = set(getattr(item, "fixturenames", ()))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if needs & BROWSER_FIXTURES or item.path.is_relative_to(tests / "web"):
            item.add_marker(pytest.mark.browser)
        if (
            needs & E2E_FIXTURES or "postgresql" in params.values()  # a run on a PostgreSQL server
        ):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def quiet_alembic() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)


@pytest.fixture(autouse=True)
def read_model_keys() -> Iterator[None]:
    """The suite's key seals every read model, those a migration test fills in clear too
    (without it, migration 0015 would make a key in ./data). Set again after each test:
    one that prepares a stack of its own (``prepare_database``) seals with that stack's
    keys, and the session's read model must not be filled with them afterwards."""
    keys = EncryptionKeys.parse(TEST_ENCRYPTION_KEYS)
    sealing.use_keys(keys)
    yield
    sealing.use_keys(keys)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hotline-data")


@pytest_asyncio.fixture(scope="session")
async def sqlite_read_model(data_dir: Path) -> AsyncIterator[ReadModel]:
    model = await open_read_model(f"sqlite+aiosqlite:///{data_dir / 'read-model.db'}")
    yield model
    await model.engine.dispose()


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
        open311_api_keys="open311-test-key",
        open311_media_hosts="127.0.0.1",  # tests/api/test_open311_media.py serves photos there
        notify_senders="database",
        workflow_sandbox="strict",  # every line of workflow code under the sandbox's checks
    )


@pytest_asyncio.fixture(scope="session")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    yield env
    await env.shutdown()


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Log lines rendered as JSON into a buffer the test reads."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    output = io.StringIO()
    configure_logging(Settings(log_format="json", log_level="info"), stream=output)
    yield output
    root.handlers, root.level = saved
    structlog.reset_defaults()


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], dict[str, int], Path]]:
    """A `hotline up` of the test's own (Temporal + UI, worker, API on free ports): the
    process, its ports, its log."""
    ports = {"temporal": free_port(), "ui": free_port(), "api": free_port()}
    environment = {
        **os.environ,
        "HOTLINE_DATA_DIR": str(tmp_path / "data"),
        "HOTLINE_TEMPORAL_ADDRESS": f"127.0.0.1:{ports['temporal']}",
        "HOTLINE_UI_PORT": str(ports["ui"]),
        "HOTLINE_API_PORT": str(ports["api"]),
        "HOTLINE_TASK_QUEUE": "up-test",
    }
    environment.pop("DATABASE_URL", None)
    environment.pop("HOTLINE_JWT_SECRET", None)
    log = tmp_path / "up.log"
    process = subprocess.Popen(
        [binary("hotline"), "up"],
        env=environment,
        text=True,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    yield process, ports, log
    if process.poll() is None:
        process.kill()
        process.wait()
