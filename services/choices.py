"""What the workbench's forms offer to choose from, read from the catalogue: districts,
departments with their Chinese names, and the catalogue's categories with who leads each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Department, RoutingRule
from services.context import AppContext
from services.ticket_queries import known_districts


@dataclass(frozen=True)
class Choices:
    districts: list[str]
    departments: dict[str, str]  # code → Chinese name, active ones
    categories: list[tuple[str, str]]  # (category, who leads it), for search as you type

    def name_of(self, code: str | None) -> str:
        return self.departments.get(code or "", code or "")


async def catalogue_choices(context: AppContext) -> Choices:
    """The choices on their own connection, for a page that reads nothing else with them."""
    async with context.sessions() as session:
        return await choices_in(session)


async def choices_in(session: AsyncSession) -> Choices:
    """The choices within a read that needs more (the ticket page's, the intake preview's)."""
    departments = {
        code: name
        for code, name in await session.execute(
            select(Department.code, Department.name_zh)
            .where(Department.active.is_(True))
            .order_by(Department.code)
        )
    }
    leads: dict[str, set[str]] = {}
    for category, lead in await session.execute(
        select(RoutingRule.category, RoutingRule.lead).order_by(RoutingRule.category)
    ):
        leads.setdefault(category, set()).add(departments.get(lead, lead))
    categories = [(category, "、".join(sorted(names))) for category, names in leads.items()]
    return Choices(await known_districts(session), departments, categories)
