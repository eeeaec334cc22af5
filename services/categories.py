"""The category tree (诉求分类) as the API and the admin console read and change it: a
node's code is its parent's plus two digits (GB/T 39666's shape), every change is in
the catalogue's history, and a node retired stays named on the tickets that have it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.catalogue import CategoryCreate, CategoryRead, CategoryUpdate
from schema.tables import CategoryNode, Department, RoutingRule
from schema.ticket import Actor
from services.catalogue_history import record_change
from services.category_tree import CategoryTree, Match, load_tree
from services.context import AppContext
from services.errors import ServiceError

MAX_LEVELS = 3


def _read(row: CategoryNode, tree: CategoryTree | None = None) -> CategoryRead:
    view = CategoryRead.model_validate(row, from_attributes=True)
    return view.model_copy(update={"path": tree.path(row.code)}) if tree else view


async def tree(context: AppContext) -> CategoryTree:
    async with context.sessions() as session:
        return await load_tree(session)


async def categories(context: AppContext, *, active_only: bool = False) -> list[CategoryRead]:
    """Every node in code order (a parent before its children), with its path of names."""
    async with context.sessions() as session:
        rows = list(await session.scalars(select(CategoryNode).order_by(CategoryNode.code)))
        found = await load_tree(session)
    return [_read(row, found) for row in rows if row.active or not active_only]


async def search(context: AppContext, typed: str, *, limit: int = 12) -> list[Match]:
    return (await tree(context)).search(typed, limit=limit)


def _check_code(body: CategoryCreate, parent: CategoryNode | None, depth: int) -> None:
    """A numbered node is its parent's code and two digits; a code from before the tree
    (letters) keeps its shape, and so do the nodes under one."""
    if depth > MAX_LEVELS:
        raise ServiceError(422, "invalid_input", f"categories have at most {MAX_LEVELS} levels")
    above = parent.code if parent is not None else ""
    if not body.code.isdigit() or not (above.isdigit() or not above):
        return
    if len(body.code) != len(above) + 2 or not body.code.startswith(above):
        raise ServiceError(
            422,
            "invalid_input",
            f"category code {body.code!r} must be {above or 'the top'}'s code and two digits",
        )


async def create_category(
    context: AppContext, *, body: CategoryCreate, actor: Actor
) -> CategoryRead:
    async with context.sessions.begin() as session:
        if await session.get(CategoryNode, body.code) is not None:
            raise ServiceError(409, "exists", f"category {body.code} exists; change it with PATCH")
        parent = None
        depth = 1
        if body.parent is not None:
            parent = await session.get(CategoryNode, body.parent)
            if parent is None or not parent.active:
                raise ServiceError(
                    422, "unknown_category", f"no active category {body.parent!r} to be the parent"
                )
            depth = len((await load_tree(session)).chain(parent.code)) + 1
        _check_code(body, parent, depth)
        row = CategoryNode(**body.model_dump(exclude={"note"}), active=True)
        session.add(row)
        record_change(
            session,
            actor=actor,
            entity="category",
            key=body.code,
            action="created",
            before=None,
            after=_read(row).model_dump(),
            note=body.note,
        )
        return _read(row)


async def update_category(
    context: AppContext, *, code: str, body: CategoryUpdate, actor: Actor
) -> CategoryRead:
    async with context.sessions.begin() as session:
        row = await session.get(CategoryNode, code)
        if row is None:
            raise ServiceError(404, "unknown_category", f"no category {code}")
        before = _read(row).model_dump()
        if body.active is False and row.active:
            await _check_retirable(session, code)
        for name, value in body.model_dump(exclude_unset=True, exclude={"note"}).items():
            setattr(row, name, value)
        record_change(
            session,
            actor=actor,
            entity="category",
            key=code,
            action="updated",
            before=before,
            after=_read(row).model_dump(),
            note=body.note,
        )
        return _read(row)


async def _check_retirable(session: AsyncSession, code: str) -> None:
    """A node the dispatch catalogue routes, or one with active nodes under it, stays."""
    routed = list(await session.scalars(select(RoutingRule.id).where(RoutingRule.category == code)))
    if routed:
        raise ServiceError(
            409, "in_use", f"category {code} is routed by rule(s) {routed}; change them first"
        )
    under = list(
        await session.scalars(
            select(CategoryNode.code).where(
                CategoryNode.parent == code, CategoryNode.active.is_(True)
            )
        )
    )
    if under:
        raise ServiceError(
            409, "in_use", f"category {code} has active categories under it: {under}"
        )


async def suggestions(
    context: AppContext, typed: str, *, english: bool = False
) -> tuple[list[Match], dict[str, str]]:
    """The desk's suggestions for what the agent typed, and who leads each citywide (the
    first lead by name where a category has several rules)."""
    async with context.sessions() as session:
        matches = (await load_tree(session)).search(typed, english=english, leaves_only=True)
        codes = [match.code for match in matches]
        rows = await session.execute(
            select(RoutingRule.category, Department.name_zh)
            .join(Department, Department.code == RoutingRule.lead)
            .where(RoutingRule.category.in_(codes))
            .order_by(RoutingRule.district.is_not(None), Department.name_zh)
        )
        leads: dict[str, str] = {}
        for category, lead in rows:
            leads.setdefault(category, lead)
    return matches, leads
