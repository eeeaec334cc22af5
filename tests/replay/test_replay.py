"""Recorded histories of every ticket shape replay on today's workflow code.

A failure here means a change to workflow code would break tickets already open:
guard the change with ``workflow.patched`` (docs/architecture.md, Changing workflow code).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.support import TEST_CONVERTER
from worker import sandbox_runner
from workflows.ticket import TicketWorkflow


def read(path: Path) -> str:
    return path.read_text()


HISTORIES = sorted((Path(__file__).parent / "histories").glob("*.json"))


def test_every_shape_is_recorded() -> None:
    shapes = {path.stem.split("-")[1] for path in HISTORIES}
    assert shapes >= {
        "normal_closure",
        "answered_on_the_spot",
        "return_and_redispatch",
        "extension_and_rework",
        "overdue_ladder",
        "continued_as_new",
    }


@pytest.mark.parametrize("path", HISTORIES, ids=[p.stem for p in HISTORIES])
async def test_history_replays(path: Path) -> None:
    replayer = Replayer(
        workflows=[TicketWorkflow],
        data_converter=TEST_CONVERTER,
        workflow_runner=sandbox_runner(),
    )
    history = WorkflowHistory.from_json(f"ticket-{path.stem}", read(path))
    await replayer.replay_workflow(history)
