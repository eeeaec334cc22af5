"""What the catalogue holds, read once for every face: the API's ``/v1/departments``,
``/v1/routing-rules`` and ``/v1/catalogue-changes``, the admin console's pages and the
Open311 facade's services all read these functions, so each list has one order."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from schema.catalogue import CatalogueChangeRead, DepartmentRead, RoutingRuleRead
from schema.tables import CatalogueChange, Department, RoutingRule
from services.category_tree import load_tree
from services.context import AppContext
from services.ticket_queries import known_districts
from services.views import views_of


async def departments(context: AppContext) -> list[DepartmentRead]:
    """Every unit, retired ones too, by code."""
    return await views_of(context, select(Department).order_by(Department.code), DepartmentRead)


async def department_names(context: AppContext) -> dict[str, str]:
    """Each unit's code → its (English) name, retired ones too."""
    async with context.sessions() as session:
        rows = await session.execute(select(Department.code, Department.name))
        return {code: name for code, name in rows}


async def routing_rules(
    context: AppContext, category: str | None = None, *, by_district: bool = False
) -> list[RoutingRuleRead]:
    """The dispatch catalogue by category, then in the order its rules were added (the
    API's), or by district (the admin console's table)."""
    then = RoutingRule.district if by_district else RoutingRule.id
    query = select(RoutingRule).order_by(RoutingRule.category, then)
    return await views_of(context, query, RoutingRuleRead, {RoutingRule.category: category})


@dataclass(frozen=True)
class RoutedCategory:
    code: str
    name: str  # Chinese
    path: str  # 城市管理 › 市容环境 › 占道经营
    synonyms: tuple[str, ...]
    lead: str  # the (first, by name) unit leading it


async def categories(context: AppContext) -> list[RoutedCategory]:
    """Each category the catalogue routes, with the unit leading it, by code."""
    async with context.sessions() as session:
        rows = await session.execute(
            select(RoutingRule.category, func.min(Department.name_zh))
            .join(Department, Department.code == RoutingRule.lead)
            .group_by(RoutingRule.category)
            .order_by(RoutingRule.category)
        )
        tree = await load_tree(session)
        return [
            RoutedCategory(
                code,
                tree.name(code),
                tree.path(code),
                tree.nodes[code].synonyms if code in tree.nodes else (),
                lead,
            )
            for code, lead in rows
        ]


async def catalogue_changes(
    context: AppContext, *, entity: str | None = None, key: str | None = None, limit: int = 100
) -> list[CatalogueChangeRead]:
    """Who changed which unit or rule, when, from what, to what and why; newest first."""
    query = select(CatalogueChange).order_by(CatalogueChange.id.desc()).limit(limit)
    equal = {CatalogueChange.entity: entity, CatalogueChange.key: key}
    return await views_of(context, query, CatalogueChangeRead, equal)


async def districts(context: AppContext) -> list[str]:
    """The districts the catalogue's active units serve: the only ones a ticket can be in."""
    async with context.sessions() as session:
        return await known_districts(session)
