"""The dispatch catalogue (派单目录) lookup: which department leads a request. A read of the
catalogue's tables, shared by the registration's activities and the desk's preview."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.activity_io import RouteDecision, RouteQuery
from schema.tables import CategoryNode, Department, RoutingRule

MAX_DEPTH = 8  # levels of categories looked up (the tree has three)


async def find_route(
    session: AsyncSession, query: RouteQuery, chain: list[str] | None = None
) -> RouteDecision | None:
    """Most specific rule first: the category's own (in the district, then any
    district), then those of the categories above it, level by level — a rule on
    二级分类 routes every leaf under it that has none of its own.

    A category the catalogue knows only for other districts falls back to the ticket's
    district government (unclear jurisdiction, Beijing's rule). An unknown category
    returns None: an agent dispatches by hand.
    """
    if chain is None:  # the caller's, when it needs the chain too
        chain = await category_chain(session, query.category)
    rules = sorted(
        await session.scalars(select(RoutingRule).where(RoutingRule.category.in_(chain))),
        key=lambda rule: (chain.index(rule.category), rule.district is None, rule.id),
    )
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


async def category_chain(session: AsyncSession, category: str) -> list[str]:
    """The category and the ones above it, nearest first."""
    chain = [category]
    while len(chain) < MAX_DEPTH:
        parent = await session.scalar(
            select(CategoryNode.parent).where(CategoryNode.code == chain[-1])
        )
        if parent is None or parent in chain:
            return chain
        chain.append(parent)
    return chain
