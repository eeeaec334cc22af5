"""Publishing a transition: the read model first, then the notifications, in one activity."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from activities.notifications import Sender
from activities.read_model import write_transition
from schema.activity_io import ActivityName, Publication


class PublishingActivities:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], senders: Sequence[Sender]
    ) -> None:
        self._sessions = sessions
        self._senders = list(senders)

    @activity.defn(name=ActivityName.PUBLISH_TRANSITION)
    async def publish_transition(self, publication: Publication) -> None:
        # Both steps are idempotent, so a retry after a partial failure repeats nothing.
        async with self._sessions.begin() as session:
            await write_transition(session, publication.transition)
        if publication.notifications:
            for sender in self._senders:
                await sender.send(publication.notifications)
