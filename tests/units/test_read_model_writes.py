"""A ticket's publications replace what they cover, and a stale writer is fenced off:
the read model ends equal to what the persisted history published, whatever the order
in which lost and counted attempts wrote."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from activities.read_model import write_transition
from hotline.database import WriteTransactions
from schema.activity_io import Transition
from schema.tables import TicketEvent
from schema.ticket import TicketCreate, TimelineAction
from tests.support.data import intake_json
from tests.support.read_model import ReadModel
from workflows.ticket.state import TicketState
from workflows.ticket.state.projections import record


def _ticket(no: str) -> TicketState:
    now = datetime.now(UTC)
    return TicketState(
        ticket_no=no,
        intake=TicketCreate(**intake_json()),
        created_by="agent:a",
        created_at=now,
        updated_at=now,
    )


def _transition(state: TicketState, fence: int, *notes: str) -> Transition:
    """The state after logging ``notes`` (not kept: each attempt starts from ``state``)."""
    attempt = state.model_copy(deep=True)
    for note in notes:
        attempt.log(datetime.now(UTC), "department:x:y", TimelineAction.PROGRESS, content=note)
    return Transition(
        ticket=record(attempt), events=attempt.unpublished_events, escalations=[], fence=fence
    )


async def _timeline(model: ReadModel, no: str) -> list[str]:
    async with model.sessions() as session:
        rows = await session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_no == no).order_by(TicketEvent.seq)
        )
        return [row.detail["content"] for row in rows]


async def _write(model: ReadModel, transition: Transition) -> bool:
    return await WriteTransactions(model.engine).run(write_transition, transition)


async def test_the_attempt_that_counts_replaces_a_lost_one(sqlite_read_model: ReadModel) -> None:
    state = _ticket(f"T-{uuid.uuid4().hex[:8]}")
    lost = _transition(state, 10, "54", "114", "7")  # its workflow task never persisted
    counted = _transition(state, 13, "114", "54")  # the same task again, other order, fewer
    assert await _write(sqlite_read_model, lost)
    assert await _write(sqlite_read_model, counted)
    assert await _timeline(sqlite_read_model, state.ticket_no) == ["114", "54"]


async def test_a_stale_writer_after_the_one_that_counts_changes_nothing(
    sqlite_read_model: ReadModel,
) -> None:
    state = _ticket(f"T-{uuid.uuid4().hex[:8]}")
    counted = _transition(state, 13, "114", "54")
    stale = _transition(state, 10, "54", "114", "7")  # a lost attempt's late retry
    assert await _write(sqlite_read_model, counted)
    assert not await _write(sqlite_read_model, stale)
    assert await _timeline(sqlite_read_model, state.ticket_no) == ["114", "54"]
    assert await _write(sqlite_read_model, counted)  # the same write again: idempotent
    assert await _timeline(sqlite_read_model, state.ticket_no) == ["114", "54"]
