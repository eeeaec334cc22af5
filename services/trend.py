"""The city's figures over a stretch of time, period by period (the statistics page's
trend): one sweep of the read model's per-ticket counts for all the periods."""

from __future__ import annotations

from datetime import datetime

from figures.statistics import Figures, Weights, rates
from figures.ticket_facts import counts_between
from services.context import AppContext


async def city_trend(
    context: AppContext, bounds: list[datetime], weights: Weights
) -> list[Figures]:
    """The figures of each of the consecutive periods ``bounds`` mark out (n bounds, n - 1
    periods), the composite by ``weights``."""
    async with context.sessions() as session:
        counts = await counts_between(session, bounds)
    return [rates(c, weights) for c in counts]
