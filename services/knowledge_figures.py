"""The knowledge base's figures per owning unit (GB/T 44191's upkeep, ServiceNow's
article health): entries and how many answer, stale ones, reviews overdue, corrections
open, overdue, and answered on time or late. Read from the entries' rows; an entry's
corrections are in its row's view."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import select

from schema.knowledge import EntryState, EntryView, Freshness
from schema.knowledge_tables import KnowledgeEntryRow
from schema.ticket import Actor
from services.context import AppContext
from services.errors import forbidden
from workflows.knowledge_rules import CENTRE

STALE = frozenset({Freshness.STALE, Freshness.REMINDED})


class UnitKnowledgeFigures(BaseModel):
    owner: str
    entries: int = 0  # not retired
    published: int = 0  # answering citizens now
    stale: int = 0  # published, its periodic review overdue
    reviews_overdue: int = 0  # a submitted revision its owner has not reviewed in time
    corrections_open: int = 0
    corrections_overdue: int = 0  # open past their deadline
    corrections_on_time: int = 0  # answered by their deadline
    corrections_late: int = 0  # answered after it


async def knowledge_figures(context: AppContext, actor: Actor) -> list[UnitKnowledgeFigures]:
    """Per owning unit, by code: for the centre."""
    if actor.role not in CENTRE:
        raise forbidden("the knowledge base's figures are for the centre", "role_may_not")
    async with context.sessions() as session:
        views = [
            EntryView.model_validate(view)
            for view in await session.scalars(select(KnowledgeEntryRow.view))
        ]
    units: dict[str, UnitKnowledgeFigures] = {}
    for view in views:
        unit = units.setdefault(view.owner, UnitKnowledgeFigures(owner=view.owner))
        for correction in view.corrections:
            if correction.answered_at is None:
                unit.corrections_open += 1
                unit.corrections_overdue += correction.overdue
            elif correction.answered_at <= correction.due_at:
                unit.corrections_on_time += 1
            else:
                unit.corrections_late += 1
        if view.state is EntryState.RETIRED:
            continue
        unit.entries += 1
        if view.published_version is not None:
            unit.published += 1
            unit.stale += view.freshness in STALE
        unit.reviews_overdue += view.review_overdue
    return [units[owner] for owner in sorted(units)]
