"""Before a call is registered: who the dispatch catalogue would make lead for its category
and district, and the open tickets its description reads like (likely duplicates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from schema.activity_io import RouteDecision, RouteQuery
from schema.dispatch_catalogue import find_route
from schema.ticket import LikelyDuplicate
from services.choices import Choices, choices_in
from services.context import AppContext
from services.duplicates import likely_duplicates


@dataclass(frozen=True)
class IntakePreview:
    choices: Choices  # to name the lead and the assisting units
    route: RouteDecision | None = None  # none asked, or the catalogue has no rule
    duplicates: list[LikelyDuplicate] = field(default_factory=list)  # likeliest first


async def intake_preview(
    context: AppContext, category: str, district: str, description: str
) -> IntakePreview:
    """The route once category and district are given; duplicates once the description is."""
    route, duplicates = None, []
    async with context.sessions() as session:
        choices = await choices_in(session)
        if category and district:
            route = await find_route(session, RouteQuery(category=category, district=district))
        if category and district and description.strip():
            duplicates = await likely_duplicates(
                session,
                context.settings,
                ticket_no="",
                category=category,
                district=district,
                description=description,
                at=datetime.now(UTC),
            )
    return IntakePreview(choices, route, duplicates)
