"""Departments and the dispatch catalogue: read by all staff, changed by admins, with history.

A joint consultation's decision on a disputed category becomes a rule change whose note
says so; `GET /v1/catalogue-changes` shows who changed what, when, from what, to what.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response
from sqlalchemy import select

from api.deps import ContextDep, StaffDep, require_roles
from schema.body import MAX_ROW_ID
from schema.catalogue import (
    CatalogueChangeRead,
    DepartmentCreate,
    DepartmentRead,
    DepartmentUpdate,
    RoutingRuleCreate,
    RoutingRuleRead,
    RoutingRuleUpdate,
)
from schema.tables import CatalogueChange, Department, RoutingRule
from schema.ticket import Actor, Role
from services import catalogue as service

router = APIRouter(prefix="/v1", tags=["catalogue"])

AdminDep = Annotated[Actor, Depends(require_roles([Role.ADMIN]))]
OverseerDep = Annotated[Actor, Depends(require_roles([Role.ADMIN, Role.SUPERVISOR]))]
RuleId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a routing rule's id")]


@router.get("/departments", response_model=list[DepartmentRead])
async def list_departments(_: StaffDep, context: ContextDep) -> list[DepartmentRead]:
    async with context.sessions() as session:
        rows = await session.scalars(select(Department).order_by(Department.code))
        return [DepartmentRead.model_validate(row, from_attributes=True) for row in rows]


@router.post("/departments", response_model=DepartmentRead, status_code=201)
async def create_department(
    body: DepartmentCreate, actor: AdminDep, context: ContextDep
) -> DepartmentRead:
    async with context.sessions.begin() as session:
        row = await service.create_department(session, body=body, actor=actor)
        return DepartmentRead.model_validate(row, from_attributes=True)


@router.patch("/departments/{code}", response_model=DepartmentRead)
async def update_department(
    code: str, body: DepartmentUpdate, actor: AdminDep, context: ContextDep
) -> DepartmentRead:
    async with context.sessions.begin() as session:
        row = await service.update_department(session, code=code, body=body, actor=actor)
        return DepartmentRead.model_validate(row, from_attributes=True)


@router.get("/routing-rules", response_model=list[RoutingRuleRead])
async def list_routing_rules(
    _: StaffDep, context: ContextDep, category: str | None = None
) -> list[RoutingRuleRead]:
    query = select(RoutingRule).order_by(RoutingRule.category, RoutingRule.id)
    if category is not None:
        query = query.where(RoutingRule.category == category)
    async with context.sessions() as session:
        rows = await session.scalars(query)
        return [RoutingRuleRead.model_validate(row, from_attributes=True) for row in rows]


@router.post("/routing-rules", response_model=RoutingRuleRead, status_code=201)
async def create_routing_rule(
    body: RoutingRuleCreate, actor: AdminDep, context: ContextDep
) -> RoutingRuleRead:
    """A new catalogue row; tickets registered from now on are routed by it."""
    async with context.sessions.begin() as session:
        row = await service.create_rule(session, body=body, actor=actor)
        return RoutingRuleRead.model_validate(row, from_attributes=True)


@router.patch("/routing-rules/{rule_id}", response_model=RoutingRuleRead)
async def update_routing_rule(
    rule_id: RuleId, body: RoutingRuleUpdate, actor: AdminDep, context: ContextDep
) -> RoutingRuleRead:
    async with context.sessions.begin() as session:
        row = await service.update_rule(session, rule_id=rule_id, body=body, actor=actor)
        return RoutingRuleRead.model_validate(row, from_attributes=True)


@router.delete("/routing-rules/{rule_id}", status_code=204)
async def delete_routing_rule(
    rule_id: RuleId,
    actor: AdminDep,
    context: ContextDep,
    note: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    async with context.sessions.begin() as session:
        await service.delete_rule(session, rule_id=rule_id, actor=actor, note=note)
    return Response(status_code=204)


@router.get("/catalogue-changes", response_model=list[CatalogueChangeRead])
async def list_catalogue_changes(
    _: OverseerDep,
    context: ContextDep,
    entity: Annotated[str | None, Query(pattern="^(department|routing_rule)$")] = None,
    key: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CatalogueChangeRead]:
    """Newest first."""
    query = select(CatalogueChange).order_by(CatalogueChange.id.desc()).limit(limit)
    if entity is not None:
        query = query.where(CatalogueChange.entity == entity)
    if key is not None:
        query = query.where(CatalogueChange.key == key)
    async with context.sessions() as session:
        rows = await session.scalars(query)
        return [CatalogueChangeRead.model_validate(row, from_attributes=True) for row in rows]
