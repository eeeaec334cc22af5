"""The escalation history across tickets, for supervisors, the discipline commission and admins."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response

from api.deps import ContextDep, require_roles
from schema.ticket import Actor, Role
from services.escalations import (
    EscalationPage,
    EscalationSearch,
    escalations_export,
    find_escalations,
)

router = APIRouter(prefix="/v1", tags=["escalations"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN]))]


@router.get(
    "/escalations",
    response_model=EscalationPage,
    responses={200: {"content": {"text/csv": {}}}},
)
async def search_escalations(
    search: Annotated[EscalationSearch, Query()],
    actor: ReaderDep,
    context: ContextDep,
    format: Literal["json", "csv"] = "json",
) -> EscalationPage | Response:
    """Every rung on every ticket, newest first: who or what raised it, why, by when and how
    it ended. ``from``/``to`` bound when it was raised; ``format=csv`` exports every match."""
    if format == "csv":
        return csv_answer(await escalations_export(context, actor, search))
    return await find_escalations(context, actor, search)


def csv_answer(text: str) -> Response:
    """The export as a download (the page's and the API's)."""
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="escalations.csv"'},
    )
