"""The figures the database adds up (``ticket_figures``) are the figures of the hand-worked
set of tests/units/test_statistics.py, on SQLite and PostgreSQL: per department, for the
city, and day by day."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from figures.statistics import Weights, ranked_statistics, statistics
from figures.ticket_facts import counts_between, department_counts, figures_row
from hotline.database import upsert
from schema.counts import TicketFacts
from schema.tables import TicketFigures
from tests.support.read_model import ReadModel
from tests.support.statistics import DATA

# A period of its own, far from every other test's tickets.
START = datetime(2001, 3, 1, tzinfo=UTC)


async def test_the_summed_figures_are_the_hand_worked_ones(read_model: ReadModel) -> None:
    run = uuid.uuid4().hex[:6]
    rows: list[dict[str, object]] = []
    by_day: dict[int, list[TicketFacts]] = {}
    for index, fact in enumerate(DATA):
        day = index % 3  # three days, the tickets spread over them
        created = START + timedelta(days=day, hours=index)
        ticket = fact.ticket.model_copy(
            update={"ticket_no": f"{fact.ticket.ticket_no}-{run}", "created_at": created}
        )
        rows.append(figures_row(replace(fact, ticket=ticket)))
        by_day.setdefault(day, []).append(fact)
    async with read_model.sessions.begin() as session:
        await upsert(session, TicketFigures, rows)

    end = START + timedelta(days=3)
    weights = Weights(response=0.2, resolution=0.5, satisfaction=0.3)
    async with read_model.sessions() as session:
        counts = await department_counts(session, created_from=START, created_to=end)
        days = await counts_between(session, [START + timedelta(days=d) for d in range(4)])
    summed = ranked_statistics(counts, period_from=START, period_to=end, weights=weights)
    in_memory = statistics(DATA, period_from=START, period_to=end, weights=weights)
    assert summed == in_memory

    for day, facts in by_day.items():
        expected = statistics(facts, period_from=START, period_to=end, weights=weights).overall
        got = ranked_statistics(
            {None: days[day]}, period_from=START, period_to=end, weights=weights
        )
        assert got.overall == expected, day
