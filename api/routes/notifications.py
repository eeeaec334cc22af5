"""The notifications the database sender kept: a department's inbox, the centre's too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from api.deps import ContextDep, StaffDep
from schema.activity_io import Notification
from schema.tables import StoredNotification
from schema.ticket import Role
from services.errors import forbidden
from services.tickets import readable_by

router = APIRouter(prefix="/v1", tags=["notifications"])


@router.get("/notifications", response_model=list[Notification])
async def list_notifications(
    actor: StaffDep,
    context: ContextDep,
    recipient: str | None = None,
    ticket_no: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[Notification]:
    """Newest first. A department reads only its own inbox."""
    if actor.role is Role.DEPARTMENT:
        if recipient not in (None, actor.department):
            raise forbidden(f"department '{actor.department}' reads only its own notifications")
        recipient = actor.department
    # Newest first; one event told to several recipients shares its instant: then by id,
    # so that the same list reads the same every time.
    query = (
        select(StoredNotification)
        .order_by(StoredNotification.at.desc(), StoredNotification.id)
        .limit(limit)
    )
    if recipient is not None:
        query = query.where(StoredNotification.recipient == recipient)
    if ticket_no is not None:
        query = query.where(StoredNotification.ticket_no == ticket_no)
    async with context.sessions() as session:
        rows = await session.scalars(query)
        notices = [Notification.model_validate(row, from_attributes=True) for row in rows]
    return readable_by(actor, notices)
