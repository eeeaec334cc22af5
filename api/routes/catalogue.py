"""Departments and the dispatch catalogue: read by all staff, changed by admins, with history.

A joint consultation's decision on a disputed category becomes a rule change whose note
says so; `GET /v1/catalogue-changes` shows who changed what, when, from what, to what.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

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
from schema.ticket import Actor, Role
from services import catalogue as service
from services import catalogue_reads as reads

router = APIRouter(prefix="/v1", tags=["catalogue"])

AdminDep = Annotated[Actor, Depends(require_roles([Role.ADMIN]))]
OverseerDep = Annotated[Actor, Depends(require_roles([Role.ADMIN, Role.SUPERVISOR]))]
RuleId = Annotated[int, Path(ge=1, le=MAX_ROW_ID, description="a routing rule's id")]


@router.get("/departments", response_model=list[DepartmentRead])
async def list_departments(_: StaffDep, context: ContextDep) -> list[DepartmentRead]:
    return await reads.departments(context)


@router.post("/departments", response_model=DepartmentRead, status_code=201)
async def create_department(
    body: DepartmentCreate, actor: AdminDep, context: ContextDep
) -> DepartmentRead:
    return await service.create_department(context, body=body, actor=actor)


@router.patch("/departments/{code}", response_model=DepartmentRead)
async def update_department(
    code: str, body: DepartmentUpdate, actor: AdminDep, context: ContextDep
) -> DepartmentRead:
    return await service.update_department(context, code=code, body=body, actor=actor)


@router.get("/routing-rules", response_model=list[RoutingRuleRead])
async def list_routing_rules(
    _: StaffDep, context: ContextDep, category: str | None = None
) -> list[RoutingRuleRead]:
    return await reads.routing_rules(context, category)


@router.post("/routing-rules", response_model=RoutingRuleRead, status_code=201)
async def create_routing_rule(
    body: RoutingRuleCreate, actor: AdminDep, context: ContextDep
) -> RoutingRuleRead:
    """A new catalogue row; tickets registered from now on are routed by it."""
    return await service.create_rule(context, body=body, actor=actor)


@router.patch("/routing-rules/{rule_id}", response_model=RoutingRuleRead)
async def update_routing_rule(
    rule_id: RuleId, body: RoutingRuleUpdate, actor: AdminDep, context: ContextDep
) -> RoutingRuleRead:
    return await service.update_rule(context, rule_id=rule_id, body=body, actor=actor)


@router.delete("/routing-rules/{rule_id}", status_code=204)
async def delete_routing_rule(
    rule_id: RuleId,
    actor: AdminDep,
    context: ContextDep,
    note: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    await service.delete_rule(context, rule_id=rule_id, actor=actor, note=note)
    return Response(status_code=204)


@router.get("/catalogue-changes", response_model=list[CatalogueChangeRead])
async def list_catalogue_changes(
    _: OverseerDep,
    context: ContextDep,
    entity: Annotated[
        str | None, Query(pattern="^(department|routing_rule|category|place)$")
    ] = None,
    key: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CatalogueChangeRead]:
    """Newest first."""
    return await reads.catalogue_changes(context, entity=entity, key=key, limit=limit)
