"""Two workflow-task attempts at the same history length publish with the same fence;
the read model must keep the one that counts, whichever commits last.

Seen in the multi-process chaos run (tests/chaos_multi.py), through the Temporal
server's SIGKILL, with write triggers on the read model: ticket X20261203-000010 had
history events 1-121, then a task scheduled (122) and started (123) at 07:47:10.605647,
which accepted six progress reports and published them as seq 22-27, fence 123,
committed 07:47:10.700-.930. Another attempt from the same point, handed out at about
07:47:09.6 and then lost (its worker was told "Workflow task not found" when it
completed it, 07:47:11.06), had published the same six in another order, fence 123 too,
and committed them 07:47:11.002-.753: after the ones that count, and with a fence no
lower, so they stayed, and the timeline served the lost order. ``upsert_fenced`` lets an
equal fence overwrite (the same attempt's retry must be able to), and the fence (the
history length, workflows/ticket/publishing.py) cannot tell the two attempts apart.
So the fence has a second key, the instant the attempt's task was handed out
(``Transition.fence_at``): the lost attempt's came before the one that replaced it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
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

FENCE = 123  # both attempts: history events 1-121, then their task's scheduled and started


def _publications(state: TicketState, started: datetime, reports: list[str]) -> list[Transition]:
    """One publication per accepted report, as the workflow makes them in one task."""
    attempt = state.model_copy(deep=True)
    published = []
    for n, report in enumerate(reports):
        at = started + timedelta(milliseconds=50 * n)
        attempt.log(at, "department:x:y", TimelineAction.PROGRESS, content=report)
        published.append(
            Transition(
                ticket=record(attempt),
                events=attempt.unpublished_events,
                escalations=[],
                fence=FENCE,
                fence_at=started,  # when the attempt's task was handed out
            )
        )
        attempt.unpublished_events = []
    return published


@pytest.mark.parametrize("lost_first", [False, True])
async def test_a_lost_attempt_at_the_same_history_length_cannot_overwrite(
    sqlite_read_model: ReadModel, lost_first: bool
) -> None:
    now = datetime(2026, 12, 3, 7, 46, 56, tzinfo=UTC)
    state = TicketState(
        ticket_no=f"T-{uuid.uuid4().hex[:8]}",
        intake=TicketCreate(**intake_json()),
        created_by="agent:a",
        created_at=now,
        updated_at=now,
    )
    counted = _publications(state, now + timedelta(seconds=14.6), ["2", "4", "3", "0", "1", "5"])
    lost = _publications(state, now + timedelta(seconds=13.6), ["4", "1", "3", "5", "0", "2"])
    writes = WriteTransactions(sqlite_read_model.engine)
    in_commit_order = [*lost, *counted] if lost_first else [*counted, *lost]
    for publication in in_commit_order:
        await writes.run(write_transition, publication)
    async with sqlite_read_model.sessions() as session:
        rows = await session.scalars(
            select(TicketEvent)
            .where(TicketEvent.ticket_no == state.ticket_no)
            .order_by(TicketEvent.seq)
        )
        assert [row.detail["content"] for row in rows] == ["2", "4", "3", "0", "1", "5"]
