"""The escalation history across tickets, for supervisors, the discipline commission and admins."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ContextDep, require_roles
from api.routes.tickets import readable_by
from schema.body import DEPARTMENT_REFERENCE_PATTERN, MAX_PAGE, BoundedInstant
from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.ladder import TOP_LEVEL
from schema.ticket import Actor, Role
from services.errors import require_offsets
from services.escalation_queries import EscalationFilter, escalations_csv, list_escalations

router = APIRouter(prefix="/v1", tags=["escalations"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN]))]

# A CSV export is one response: large enough for a quarter of a city, bounded all the same.
CSV_ROW_LIMIT = 100_000


class EscalationPage(BaseModel):
    items: list[Escalation]
    total: int
    page: int
    page_size: int


class EscalationSearch(BaseModel):
    """The filters and the page of the escalation history: the API's query and the page's."""

    model_config = ConfigDict(populate_by_name=True)

    department: Annotated[str | None, Field(pattern=DEPARTMENT_REFERENCE_PATTERN)] = None
    level: Annotated[int | None, Field(ge=1, le=TOP_LEVEL)] = None
    min_level: Annotated[int | None, Field(ge=1, le=TOP_LEVEL)] = None
    kind: EscalationKind | None = None
    outcome: EscalationOutcome | None = None
    ticket_no: Annotated[str | None, Field(max_length=40)] = None
    raised_from: Annotated[BoundedInstant | None, Field(alias="from")] = None
    raised_to: Annotated[BoundedInstant | None, Field(alias="to")] = None
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=500)] = 50

    def where(self) -> EscalationFilter:
        require_offsets(**{"from": self.raised_from, "to": self.raised_to})
        return EscalationFilter(**self.model_dump(exclude={"page", "page_size"}))


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
        return await escalations_export(context, actor, search)
    return await find_escalations(context, actor, search)


async def find_escalations(
    context: ContextDep, actor: Actor, search: EscalationSearch
) -> EscalationPage:
    where, page, size = search.where(), search.page, search.page_size
    async with context.sessions() as session:
        records, total = await list_escalations(
            session, where, offset=(page - 1) * size, limit=size
        )
    # The commission sees citizens masked: notes and reasons may quote a phone number.
    return EscalationPage(items=readable_by(actor, records), total=total, page=page, page_size=size)


async def escalations_export(
    context: ContextDep, actor: Actor, search: EscalationSearch
) -> Response:
    """Every match as CSV, one row a rung (up to ``CSV_ROW_LIMIT``)."""
    where = search.where()
    async with context.sessions() as session:
        records, _ = await list_escalations(session, where, offset=0, limit=CSV_ROW_LIMIT)
    return Response(
        escalations_csv(readable_by(actor, records)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="escalations.csv"'},
    )
