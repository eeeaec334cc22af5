"""The escalation history across tickets, for supervisors and the discipline commission."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel

from api.deps import ContextDep, require_roles
from api.errors import require_offsets
from api.escalation_queries import EscalationFilter, escalations_csv, list_escalations
from api.routes.tickets import readable_by
from schema.body import DEPARTMENT_REFERENCE_PATTERN, MAX_PAGE
from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.ticket import Actor, Role

router = APIRouter(prefix="/v1", tags=["escalations"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.DISCIPLINE]))]

# A CSV export is one response: large enough for a quarter of a city, bounded all the same.
CSV_ROW_LIMIT = 100_000


class EscalationPage(BaseModel):
    items: list[Escalation]
    total: int
    page: int
    page_size: int


@router.get(
    "/escalations",
    response_model=EscalationPage,
    responses={200: {"content": {"text/csv": {}}}},
)
async def search_escalations(
    actor: ReaderDep,
    context: ContextDep,
    department: Annotated[str | None, Query(pattern=DEPARTMENT_REFERENCE_PATTERN)] = None,
    level: Annotated[int | None, Query(ge=1, le=6)] = None,
    min_level: Annotated[int | None, Query(ge=1, le=6)] = None,
    kind: EscalationKind | None = None,
    outcome: EscalationOutcome | None = None,
    ticket_no: str | None = None,
    raised_from: Annotated[datetime | None, Query(alias="from")] = None,
    raised_to: Annotated[datetime | None, Query(alias="to")] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
    format: Literal["json", "csv"] = "json",
) -> EscalationPage | Response:
    """Every rung on every ticket, newest first: who or what raised it, why, by when and how
    it ended. ``from``/``to`` bound when it was raised; ``format=csv`` exports every match."""
    require_offsets(**{"from": raised_from, "to": raised_to})
    where = EscalationFilter(
        department=department,
        level=level,
        min_level=min_level,
        kind=kind,
        outcome=outcome,
        ticket_no=ticket_no,
        raised_from=raised_from,
        raised_to=raised_to,
    )
    async with context.sessions() as session:
        if format == "csv":
            records, _ = await list_escalations(session, where, offset=0, limit=CSV_ROW_LIMIT)
            return Response(
                escalations_csv(readable_by(actor, records)),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="escalations.csv"'},
            )
        records, total = await list_escalations(
            session, where, offset=(page - 1) * page_size, limit=page_size
        )
    # The commission sees citizens masked: notes and reasons may quote a phone number.
    items = readable_by(actor, records)
    return EscalationPage(items=items, total=total, page=page, page_size=page_size)
