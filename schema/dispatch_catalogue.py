"""The dispatch catalogue (派单目录) lookup: which department leads a request. A read of the
catalogue's tables, shared by the registration's activities and the desk's preview."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.activity_io import RouteDecision, RouteQuery
from schema.tables import Department, RoutingRule


async def find_route(session: AsyncSession, query: RouteQuery) -> RouteDecision | None:
    """Most specific rule first: (category, district), then (category, any district).

    A category the catalogue knows only for other districts falls back to the ticket's
    district government (unclear jurisdiction, Beijing's rule). An unknown category
    returns None: an agent dispatches by hand.
    """
    rules = (
        await session.scalars(
            select(RoutingRule)
            .where(RoutingRule.category == query.category)
            .order_by(RoutingRule.district.is_(None), RoutingRule.id)
        )
    ).all()
    for rule in rules:
        if rule.district in (query.district, None):
            return RouteDecision(lead=rule.lead, assisting=list(rule.assisting), rule_id=rule.id)
    if not rules:
        return None
    government = await session.scalar(
        select(Department).where(
            Department.kind == "district_government",
            Department.district == query.district,
            Department.active.is_(True),
        )
    )
    if government is None:
        return None
    return RouteDecision(lead=government.code, rule_id=rules[0].id, fallback=True)
