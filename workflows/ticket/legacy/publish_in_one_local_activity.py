"""Before the "publish-in-one-local-activity" patch: two regular activities per transition,
the read model's write and then the notifications (``ActivityName.RECORD_TRANSITION``,
``SEND_NOTIFICATIONS``). With the patch: ``activity_calls.publish_transition``.
"""

from __future__ import annotations

from schema.activity_io import Publication
from workflows import activity_calls as calls

PATCH = "publish-in-one-local-activity"


async def publish(publication: Publication) -> None:
    await calls.record_transition(publication.transition)
    if publication.notifications:
        await calls.send_notifications(publication.notifications)
