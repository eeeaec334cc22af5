"""The worker's strict sandbox: workflow code may import only what is passed through on purpose."""

from __future__ import annotations

import subprocess
import sys

import pytest
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner
from temporalio.worker.workflow_sandbox._restrictions import UnintentionalPassthroughError

from hotline.settings import Settings
from tests.sandbox_fixtures.leaky_workflow import LeakyWorkflow
from tests.support.read_model import ReadModel
from tests.support.tickets import Tickets
from worker import WORKFLOW_MODULES, WORKFLOW_SAFE_MODULES, build_worker


async def test_a_workflow_importing_sqlalchemy_is_refused(
    tickets: Tickets, skipping_env: WorkflowEnvironment, sqlite_read_model: ReadModel
) -> None:
    with pytest.raises(Exception, match="Failed validating workflow LeakyWorkflow") as caught:
        build_worker(
            skipping_env.client,
            tickets.settings,
            sqlite_read_model.sessions,
            workflows=[LeakyWorkflow],
        )
    cause = caught.value.__cause__
    assert isinstance(cause, UnintentionalPassthroughError)
    assert "sqlalchemy was not intentionally passed through" in str(cause)


async def test_the_ticket_workflow_passes_the_same_sandbox(
    tickets: Tickets, skipping_env: WorkflowEnvironment, sqlite_read_model: ReadModel
) -> None:
    own_queue = tickets.settings.model_copy(update={"task_queue": "sandbox-check"})
    build_worker(skipping_env.client, own_queue, sqlite_read_model.sessions)


async def test_the_worker_holds_at_most_the_configured_tickets_in_memory(
    tickets: Tickets, skipping_env: WorkflowEnvironment, sqlite_read_model: ReadModel
) -> None:
    small = tickets.settings.model_copy(
        update={"task_queue": "cache-check", "worker_cached_workflows": 7}
    )
    worker = build_worker(skipping_env.client, small, sqlite_read_model.sessions)
    assert worker.config()["max_cached_workflows"] == 7


async def test_tests_import_workflow_modules_afresh_and_production_runs_unsandboxed(
    tickets: Tickets, sqlite_read_model: ReadModel, skipping_env: WorkflowEnvironment
) -> None:
    def passed_through(settings: Settings) -> set[str]:
        worker = build_worker(skipping_env.client, settings, sqlite_read_model.sessions)
        runner = worker.config()["workflow_runner"]
        assert isinstance(runner, SandboxedWorkflowRunner)
        return set(runner.restrictions.passthrough_modules)

    strict = tickets.settings.model_copy(update={"task_queue": "strict-check"})
    assert strict.workflow_sandbox == "strict"
    assert not passed_through(strict) & set(WORKFLOW_MODULES)
    shared = strict.model_copy(update={"workflow_sandbox": "shared", "task_queue": "shared"})
    assert passed_through(shared) >= set(WORKFLOW_MODULES)
    assert Settings().workflow_sandbox == "off"  # production: the tests check what it would
    off = strict.model_copy(update={"workflow_sandbox": "off", "task_queue": "off"})
    runner = build_worker(skipping_env.client, off, sqlite_read_model.sessions).config()
    assert isinstance(runner["workflow_runner"], UnsandboxedWorkflowRunner)


def test_workflow_code_pulls_in_no_io_stack() -> None:
    """Importing the workflows and their pass-through modules loads no database, web or config."""
    probe = (
        "import sys, importlib\n"
        f"for name in {[*WORKFLOW_SAFE_MODULES, *WORKFLOW_MODULES]!r}:\n"
        "    importlib.import_module(name)\n"
        "banned = ('sqlalchemy', 'fastapi', 'starlette', 'asyncpg', 'aiosqlite', 'structlog',\n"
        "          'hotline.settings', 'activities', 'api', 'chinese_calendar')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in banned or m in banned))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
