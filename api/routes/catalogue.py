"""Departments and the dispatch catalogue, as the read model holds them."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import ContextDep, StaffDep
from schema.tables import Department, RoutingRule

router = APIRouter(prefix="/v1", tags=["catalogue"])


class DepartmentRead(BaseModel):
    code: str
    name: str
    name_zh: str
    kind: str
    district: str | None
    active: bool


class RoutingRuleRead(BaseModel):
    id: int
    category: str
    district: str | None
    lead: str
    assisting: list[str]
    note: str | None


@router.get("/departments", response_model=list[DepartmentRead])
async def list_departments(_: StaffDep, context: ContextDep) -> list[DepartmentRead]:
    async with context.sessions() as session:
        rows = await session.scalars(select(Department).order_by(Department.code))
        return [DepartmentRead.model_validate(row, from_attributes=True) for row in rows]


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
