"""Each person's own figures (我的工作): a department's 三率, overdue count and ranking for
the month, taken from the statistics page's own computation (services/statistics.py), so
the two never differ; and an agent's work of the day from the timeline (留痕): the calls
they registered, the tickets they dispatched by hand and those they answered at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from figures.statistics import DepartmentFigures, UnitFigures, Weights
from schema.tables import TicketEvent
from schema.ticket import Actor, TimelineAction
from services.context import AppContext
from services.statistics import period_statistics, this_month


@dataclass(frozen=True)
class DepartmentStanding:
    period_from: datetime
    period_to: datetime
    figures: DepartmentFigures | None  # None: no ticket of its in the period
    ranked: int  # how many departments have a rank
    rolled_up: UnitFigures | None  # with the units under it, where it has some


async def department_standing(context: AppContext, department: str) -> DepartmentStanding:
    """This month's figures of one department, as the statistics page ranks them (its
    default weights)."""
    period_from, period_to = this_month(context.policy.timezone)
    found = await period_statistics(context, period_from, period_to, Weights())
    mine = next((d for d in found.departments if d.department == department), None)
    rolled = next((u for u in found.rolled_up if u.department == department), None)
    ranked = sum(1 for d in found.departments if d.rank is not None)
    return DepartmentStanding(period_from, period_to, mine, ranked, rolled)


# What an agent's day counts, by the timeline's action.
AGENT_WORK = {
    "taken": TimelineAction.RECEIVED,  # 受理来电
    "dispatched": TimelineAction.DISPATCHED,  # 人工派单 (the automatic one is the system's)
    "answered": TimelineAction.ANSWERED,  # 直接办结
}


@dataclass(frozen=True)
class AgentDay:
    day_from: datetime
    taken: int
    dispatched: int
    answered: int


def day_start(now: datetime, timezone: str) -> datetime:
    local = now.astimezone(ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


async def agent_day(context: AppContext, actor: Actor, now: datetime) -> AgentDay:
    """What this agent did today (the city's day), counted from their traces."""
    since = day_start(now, context.policy.timezone)
    actions = [str(action) for action in AGENT_WORK.values()]
    async with context.sessions() as session:
        rows = await session.execute(
            select(TicketEvent.action, func.count())
            .where(
                TicketEvent.actor == actor.describe(),
                TicketEvent.action.in_(actions),
                TicketEvent.at >= since,
                TicketEvent.at < since + timedelta(days=1),
            )
            .group_by(TicketEvent.action)
        )
        counted = {action: count for action, count in rows}
    found = {key: counted.get(str(action), 0) for key, action in AGENT_WORK.items()}
    return AgentDay(since, **found)
