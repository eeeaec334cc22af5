"""The bell's counting and read marks, on the test read model (SQLite, and PostgreSQL when
one answers): per user, per inbox, capped."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from hotline.database import upsert
from schema.tables import StoredNotification
from schema.ticket import Actor, Role
from services.bell import (
    COUNT_CAP,
    PAGE_SIZE,
    inboxes_of,
    mark_all_read,
    mark_read,
    notices,
    unread_count,
)
from tests.support.read_model import (
    ReadModel,
    drop_postgres_database,
    fresh_postgres_database,
    open_read_model,
    postgres_url,
)

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _notices_to(model: ReadModel, recipient: str, n: int, kind: str = "dispatched") -> None:
    rows = [
        {
            "id": f"T{recipient}-{i}:1:{recipient}",
            "ticket_no": f"T{recipient}-{i}",
            "seq": 1,
            "recipient": recipient,
            "kind": kind,
            "message": "New ticket",
            "at": START + timedelta(minutes=i),
        }
        for i in range(n)
    ]
    async with model.sessions.begin() as session:
        await upsert(session, StoredNotification, rows)


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def model(
    request: pytest.FixtureRequest, sqlite_read_model: ReadModel
) -> AsyncIterator[ReadModel]:
    """The INSERT ... SELECT and the capped count, on both dialects the read model runs on."""
    if request.param == "sqlite":
        yield sqlite_read_model
        return
    fresh = await fresh_postgres_database()
    if fresh is None:
        pytest.skip(f"no PostgreSQL at {postgres_url()}")
    url, name = fresh
    opened = await open_read_model(url)
    yield opened
    await opened.engine.dispose()
    await drop_postgres_database(name)


def _unit() -> str:
    return f"unit-{uuid.uuid4().hex[:8]}"


async def test_each_user_counts_their_own_inbox_and_their_own_reads(model: ReadModel) -> None:
    ours, theirs = _unit(), _unit()
    await _notices_to(model, ours, 3)
    await _notices_to(model, theirs, 2)
    assert await unread_count(model.sessions, "clerk-a", [ours]) == 3
    assert await unread_count(model.sessions, "clerk-c", [theirs]) == 2

    newest, more = await notices(model.sessions, "clerk-a", [ours])
    assert [n.ticket_no for n in newest] == [f"T{ours}-2", f"T{ours}-1", f"T{ours}-0"]
    assert not more and not any(n.read for n in newest)

    assert await mark_read(model.sessions, "clerk-a", [ours], newest[0].id) == f"T{ours}-2"
    assert await unread_count(model.sessions, "clerk-a", [ours]) == 2
    assert await unread_count(model.sessions, "clerk-b", [ours]) == 3  # a colleague: unread
    # Another unit's notice is neither marked nor revealed.
    assert await mark_read(model.sessions, "clerk-a", [ours], f"T{theirs}-0:1:{theirs}") is None
    assert await unread_count(model.sessions, "clerk-a", [theirs]) == 2

    await mark_all_read(model.sessions, "clerk-a", [ours])
    await mark_all_read(model.sessions, "clerk-a", [ours])  # twice: nothing left to mark
    assert await unread_count(model.sessions, "clerk-a", [ours]) == 0
    assert await unread_count(model.sessions, "clerk-b", [ours]) == 3
    assert await unread_count(model.sessions, "clerk-c", [theirs]) == 2
    assert all(n.read for n in (await notices(model.sessions, "clerk-a", [ours]))[0])

    await _notices_to(model, ours, 4)  # one more arrives (ids 0-2 are the same notices)
    assert await unread_count(model.sessions, "clerk-a", [ours]) == 1


async def test_the_count_stops_past_the_cap_and_the_list_pages(model: ReadModel) -> None:
    busy = _unit()
    await _notices_to(model, busy, COUNT_CAP + 20)
    assert await unread_count(model.sessions, "clerk", [busy]) == COUNT_CAP + 1  # "99+"
    first, more = await notices(model.sessions, "clerk", [busy])
    assert len(first) == PAGE_SIZE and more
    last, more = await notices(
        model.sessions, "clerk", [busy], page=-(-(COUNT_CAP + 20) // PAGE_SIZE)
    )
    assert not more and last[-1].ticket_no == f"T{busy}-0"


def test_the_inboxes_of_each_role() -> None:
    assert inboxes_of(Actor(sub="c", role=Role.DEPARTMENT, department="water")) == ("water",)
    assert inboxes_of(Actor(sub="a", role=Role.AGENT)) == ("centre",)
    assert inboxes_of(Actor(sub="s", role=Role.SUPERVISOR)) == ("supervisors", "centre")
    assert inboxes_of(Actor(sub="d", role=Role.DISCIPLINE)) == ("discipline",)
    assert inboxes_of(Actor(sub="i", role=Role.INTEGRATOR)) == ()
