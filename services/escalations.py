"""The escalation history across tickets: a page of it, or all of it as CSV."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from schema.body import DEPARTMENT_REFERENCE_PATTERN, MAX_PAGE, BoundedInstant
from schema.escalation import Escalation, EscalationKind, EscalationOutcome
from schema.ladder import TOP_LEVEL
from schema.ticket import Actor
from services.context import AppContext
from services.errors import require_offsets
from services.escalation_queries import EscalationFilter, escalations_csv, list_escalations
from services.tickets import readable_by

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


async def find_escalations(
    context: AppContext, actor: Actor, search: EscalationSearch
) -> EscalationPage:
    where, page, size = search.where(), search.page, search.page_size
    async with context.sessions() as session:
        records, total = await list_escalations(
            session, where, offset=(page - 1) * size, limit=size
        )
    # The commission sees citizens masked: notes and reasons may quote a phone number.
    return EscalationPage(items=readable_by(actor, records), total=total, page=page, page_size=size)


async def escalations_export(context: AppContext, actor: Actor, search: EscalationSearch) -> str:
    """Every match as CSV, one row a rung (up to ``CSV_ROW_LIMIT``): the API's, in codes."""
    return escalations_csv(await escalations_to_export(context, actor, search))


async def escalations_to_export(
    context: AppContext, actor: Actor, search: EscalationSearch
) -> list[Escalation]:
    """Every match the actor may read (up to ``CSV_ROW_LIMIT``), for an export."""
    where = search.where()
    async with context.sessions() as session:
        records, _ = await list_escalations(session, where, offset=0, limit=CSV_ROW_LIMIT)
    return readable_by(actor, records)
