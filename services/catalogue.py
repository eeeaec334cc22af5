"""Changes to departments and the dispatch catalogue, each recorded with who, when, before,
after and why, in the same transaction as the change itself. Each change is its own
transaction, so the API and the admin console make it alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.body import MAX_ROW_ID
from schema.catalogue import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    RoutingRuleCreate,
    RoutingRuleRead,
    RoutingRuleUpdate,
)
from schema.tables import CategoryNode, Department, RoutingRule
from schema.ticket import Actor
from services import hierarchy
from services.catalogue_history import record_change
from services.context import AppContext
from services.errors import ServiceError
from services.places import check_district
from services.ticket_queries import unknown_departments


def _department_read(row: Department) -> DepartmentRead:
    return DepartmentRead.model_validate(row, from_attributes=True)


def _rule_read(row: RoutingRule) -> RoutingRuleRead:
    return RoutingRuleRead.model_validate(row, from_attributes=True)


def _department_view(row: Department) -> dict[str, Any]:
    return _department_read(row).model_dump()


def _rule_view(row: RoutingRule) -> dict[str, Any]:
    return _rule_read(row).model_dump()


async def create_department(
    context: AppContext, *, body: DepartmentCreate, actor: Actor
) -> DepartmentRead:
    async with context.sessions.begin() as session:
        if await session.get(Department, body.code) is not None:
            raise ServiceError(
                409, "exists", f"department {body.code} exists; change it with PATCH"
            )
        if body.parent is not None:
            await _check_parent(session, body.code, body.parent)
        row = Department(**body.model_dump(exclude={"note"}), active=True)
        session.add(row)
        record_change(
            session,
            actor=actor,
            entity="department",
            key=body.code,
            action="created",
            before=None,
            after=_department_view(row),
            note=body.note,
        )
        return _department_read(row)


async def update_department(
    context: AppContext, *, code: str, body: DepartmentUpdate, actor: Actor
) -> DepartmentRead:
    async with context.sessions.begin() as session:
        row = await session.get(Department, code)
        if row is None:
            raise ServiceError(404, "unknown_department", f"no department {code}")
        before = _department_view(row)
        if body.active is False and row.active:
            await _check_not_routed_to(session, code)
        if body.parent is not None:
            await _check_parent(session, code, body.parent)
        for field, value in body.model_dump(exclude_unset=True, exclude={"note"}).items():
            setattr(row, field, value)
        record_change(
            session,
            actor=actor,
            entity="department",
            key=code,
            action="updated",
            before=before,
            after=_department_view(row),
            note=body.note,
        )
        return _department_read(row)


async def _check_parent(session: AsyncSession, code: str, parent: str) -> None:
    """The unit above must exist and must not be the unit itself or one under it, checked
    on the tree as no concurrent move can change it until this transaction ends."""
    await hierarchy.serialise_moves(session)
    tree = await hierarchy.parents(session)
    if parent not in tree:
        raise ServiceError(422, "unknown_department", f"no department {parent} to be the parent")
    if parent in hierarchy.under(tree, code):
        raise ServiceError(
            422,
            "invalid_input",
            f"{parent} is {code} or under it: a unit cannot be placed under itself",
        )


async def _check_not_routed_to(session: AsyncSession, code: str) -> None:
    """A retired unit that the catalogue still names would be sent new tickets it cannot see."""
    rules = await session.scalars(select(RoutingRule).order_by(RoutingRule.id))
    naming = [rule.id for rule in rules if code == rule.lead or code in rule.assisting]
    if naming:
        raise ServiceError(
            409,
            "in_use",
            f"department {code} is named by routing rule(s) {naming}; change them first",
        )


async def check_departments(session: AsyncSession, codes: list[str]) -> None:
    """422 unless every code names an active unit of the catalogue."""
    unknown = await unknown_departments(session, codes)
    if unknown:
        raise ServiceError(
            422, "unknown_department", f"unknown or inactive department(s): {unknown}"
        )


async def check_category(session: AsyncSession, code: str) -> None:
    """422 unless the code names an active node of the category tree."""
    node = await session.get(CategoryNode, code)
    if node is None or not node.active:
        raise ServiceError(
            422, "unknown_category", f"no active category {code!r} in the category tree"
        )


async def create_rule(
    context: AppContext, *, body: RoutingRuleCreate, actor: Actor
) -> RoutingRuleRead:
    async with context.sessions.begin() as session:
        if body.lead in body.assisting:
            raise ServiceError(422, "invalid_input", "the lead department cannot also be assisting")
        await check_departments(session, [body.lead, *body.assisting])
        await check_category(session, body.category)
        if body.district is not None:
            await check_district(session, body.district)
        clash = await session.scalar(
            select(RoutingRule.id).where(
                RoutingRule.category == body.category,
                RoutingRule.district.is_(None)
                if body.district is None
                else RoutingRule.district == body.district,
            )
        )
        if clash is not None:
            raise ServiceError(
                409,
                "exists",
                f"rule {clash} already routes {body.category!r} there; change it with PATCH",
            )
        row = RoutingRule(**body.model_dump())
        session.add(row)
        await session.flush()  # the new id names the change
        record_change(
            session,
            actor=actor,
            entity="routing_rule",
            key=str(row.id),
            action="created",
            before=None,
            after=_rule_view(row),
            note=body.note,
        )
        return _rule_read(row)


async def update_rule(
    context: AppContext, *, rule_id: int, body: RoutingRuleUpdate, actor: Actor
) -> RoutingRuleRead:
    async with context.sessions.begin() as session:
        row = await _rule(session, rule_id)
        before = _rule_view(row)
        changes = body.model_dump(exclude_unset=True)
        lead = changes.get("lead", row.lead)
        assisting = changes.get("assisting", row.assisting)
        if lead in assisting:
            raise ServiceError(422, "invalid_input", "the lead department cannot also be assisting")
        await check_departments(session, [lead, *assisting])
        for field, value in changes.items():
            setattr(row, field, value)
        record_change(
            session,
            actor=actor,
            entity="routing_rule",
            key=str(rule_id),
            action="updated",
            before=before,
            after=_rule_view(row),
            note=body.note,
        )
        return _rule_read(row)


async def delete_rule(context: AppContext, *, rule_id: int, actor: Actor, note: str | None) -> None:
    async with context.sessions.begin() as session:
        row = await _rule(session, rule_id)
        record_change(
            session,
            actor=actor,
            entity="routing_rule",
            key=str(rule_id),
            action="deleted",
            before=_rule_view(row),
            after=None,
            note=note,
        )
        await session.delete(row)


async def _rule(session: AsyncSession, rule_id: int) -> RoutingRule:
    # An id no row can have is no rule (the database driver would fail on it).
    row = await session.get(RoutingRule, rule_id) if 1 <= rule_id <= MAX_ROW_ID else None
    if row is None:
        raise ServiceError(404, "unknown_rule", f"no routing rule {rule_id}")
    return row
