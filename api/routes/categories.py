"""The category tree (诉求分类) and the places (districts, streets): read by all staff,
searched as one types (by name, synonym or pinyin initials), changed by admins with
history (``GET /v1/catalogue-changes?entity=category``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from api.deps import ContextDep, StaffDep, require_roles
from schema.catalogue import (
    CategoryCreate,
    CategoryRead,
    CategoryUpdate,
    PlaceCreate,
    PlaceRead,
    PlaceUpdate,
)
from schema.ticket import Actor, Role
from services import categories as service
from services import places

router = APIRouter(prefix="/v1", tags=["catalogue"])

AdminDep = Annotated[Actor, Depends(require_roles([Role.ADMIN]))]


class CategoryMatch(BaseModel):
    code: str
    name: str
    path: str
    matched: str | None  # the synonym or pinyin it matched by, if not by name
    leaf: bool


@router.get("/categories", response_model=list[CategoryRead])
async def list_categories(
    _: StaffDep, context: ContextDep, active: bool = False
) -> list[CategoryRead]:
    """Every node, a parent before its children; ``active=true``: retired ones left out."""
    return await service.categories(context, active_only=active)


@router.get("/categories/search", response_model=list[CategoryMatch])
async def search_categories(
    _: StaffDep,
    context: ContextDep,
    q: Annotated[str, Query(min_length=1, max_length=50)],
    limit: Annotated[int, Query(ge=1, le=50)] = 12,
) -> list[CategoryMatch]:
    """Active nodes for what was typed, best first: name, synonym, then pinyin."""
    found = await service.search(context, q, limit=limit)
    return [CategoryMatch.model_validate(match, from_attributes=True) for match in found]


@router.post("/categories", response_model=CategoryRead, status_code=201)
async def create_category(
    body: CategoryCreate, actor: AdminDep, context: ContextDep
) -> CategoryRead:
    return await service.create_category(context, body=body, actor=actor)


@router.patch("/categories/{code}", response_model=CategoryRead)
async def update_category(
    code: str, body: CategoryUpdate, actor: AdminDep, context: ContextDep
) -> CategoryRead:
    return await service.update_category(context, code=code, body=body, actor=actor)


@router.get("/places", response_model=list[PlaceRead])
async def list_places(_: StaffDep, context: ContextDep) -> list[PlaceRead]:
    """Districts, each followed by its streets."""
    return await places.places(context)


@router.post("/places", response_model=PlaceRead, status_code=201)
async def create_place(body: PlaceCreate, actor: AdminDep, context: ContextDep) -> PlaceRead:
    return await places.create_place(context, body=body, actor=actor)


@router.patch("/places/{code}", response_model=PlaceRead)
async def update_place(
    code: str, body: PlaceUpdate, actor: AdminDep, context: ContextDep
) -> PlaceRead:
    return await places.update_place(context, code=code, body=body, actor=actor)
