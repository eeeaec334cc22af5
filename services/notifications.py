"""The notifications the database sender kept, as an inbox: a department reads only its
own, the centre anyone's."""

from __future__ import annotations

from sqlalchemy import select

from schema.activity_io import Notification
from schema.tables import StoredNotification
from schema.ticket import Actor, Role
from services.context import AppContext
from services.errors import forbidden
from services.tickets import readable_by
from services.views import views_of


async def list_notifications(
    context: AppContext,
    actor: Actor,
    *,
    recipient: str | None = None,
    ticket_no: str | None = None,
    limit: int = 100,
) -> list[Notification]:
    """Newest first; 403 for a department asking for another's inbox."""
    if actor.role is Role.DEPARTMENT:
        if recipient not in (None, actor.department):
            raise forbidden(f"department '{actor.department}' reads only its own notifications")
        recipient = actor.department
    # One event told to several recipients shares its instant: then by id, so that the
    # same list reads the same every time.
    query = (
        select(StoredNotification)
        .order_by(StoredNotification.at.desc(), StoredNotification.id)
        .limit(limit)
    )
    equal = {StoredNotification.recipient: recipient, StoredNotification.ticket_no: ticket_no}
    return readable_by(actor, await views_of(context, query, Notification, equal))
