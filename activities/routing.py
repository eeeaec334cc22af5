"""The dispatch catalogue (派单目录) lookup as an activity."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from schema.activity_io import ActivityName, RouteDecision, RouteQuery
from schema.dispatch_catalogue import find_route


class RoutingActivities:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @activity.defn(name=ActivityName.ROUTE_REQUEST)
    async def route_request(self, query: RouteQuery) -> RouteDecision | None:
        async with self._sessions() as session:
            return await find_route(session, query)
