"""Registration (受理) in one local activity: the policy, the route and the calendar."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.deadlines import policy_from, sheet_from
from schema.activity_io import ActivityName, Feature, Registration, RegistrationQuery, RouteQuery
from schema.dispatch_catalogue import category_chain, find_route


class RegistrationActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], policy_path: Path | None
    ) -> None:
        self._sessions = sessions
        self._policy_path = policy_path

    @activity.defn(name=ActivityName.REGISTER_TICKET)
    async def register_ticket(self, query: RegistrationQuery) -> Registration:
        policy = policy_from(self._policy_path)
        async with self._sessions() as session:
            chain = await category_chain(session, query.category)
            route = await find_route(
                session, RouteQuery(category=query.category, district=query.district), chain
            )
        return Registration(
            policy=policy,
            route=route,
            working_days=sheet_from(policy.calendar, query.on),
            features=list(Feature),
            category_chain=chain,
        )
