"""The notifications the database sender kept: a department's inbox, the centre's too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ContextDep, StaffDep
from schema.activity_io import Notification
from services import notifications as service

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
    return await service.list_notifications(
        context, actor, recipient=recipient, ticket_no=ticket_no, limit=limit
    )
