"""Districts and their streets by their Chinese names, changed by admins with history like
the rest of the catalogue. A district a rule or a unit names must be one of them or one
the catalogue's units already serve."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.catalogue import PlaceCreate, PlaceRead, PlaceUpdate
from schema.tables import Place
from schema.ticket import Actor
from services.catalogue_history import record_change
from services.context import AppContext
from services.errors import ServiceError
from services.ticket_queries import known_districts


def _read(row: Place) -> PlaceRead:
    return PlaceRead.model_validate(row, from_attributes=True)


async def places(context: AppContext) -> list[PlaceRead]:
    """Districts, each followed by its streets."""
    async with context.sessions() as session:
        rows = list(await session.scalars(select(Place).order_by(Place.code)))
    districts = [row for row in rows if row.parent is None]
    ordered: list[PlaceRead] = []
    for district in districts:
        ordered.append(_read(district))
        ordered += [_read(row) for row in rows if row.parent == district.code]
    known = {row.code for row in districts}
    ordered += [_read(row) for row in rows if row.parent is not None and row.parent not in known]
    return ordered


async def check_district(session: AsyncSession, code: str) -> None:
    """422 unless the code names a district (a place at the top, or one units serve)."""
    place = await session.get(Place, code)
    if place is not None and place.parent is None:
        return
    if code in await known_districts(session):
        return
    raise ServiceError(422, "unknown_district", f"no district {code!r} in the places")


async def create_place(context: AppContext, *, body: PlaceCreate, actor: Actor) -> PlaceRead:
    async with context.sessions.begin() as session:
        if await session.get(Place, body.code) is not None:
            raise ServiceError(409, "exists", f"place {body.code} exists; change it with PATCH")
        if body.parent is not None:
            parent = await session.get(Place, body.parent)
            if parent is None or parent.parent is not None:
                raise ServiceError(
                    422, "unknown_district", f"no district {body.parent!r} to hold a street"
                )
        row = Place(**body.model_dump(exclude={"note"}))
        session.add(row)
        after = _read(row).model_dump()
        record_change(
            session,
            actor=actor,
            entity="place",
            key=body.code,
            action="created",
            before=None,
            after=after,
            note=body.note,
        )
        return _read(row)


async def update_place(
    context: AppContext, *, code: str, body: PlaceUpdate, actor: Actor
) -> PlaceRead:
    async with context.sessions.begin() as session:
        row = await session.get(Place, code)
        if row is None:
            raise ServiceError(404, "unknown_place", f"no place {code}")
        before = _read(row).model_dump()
        for name, value in body.model_dump(exclude_unset=True, exclude={"note"}).items():
            setattr(row, name, value)
        record_change(
            session,
            actor=actor,
            entity="place",
            key=code,
            action="updated",
            before=before,
            after=_read(row).model_dump(),
            note=body.note,
        )
        return _read(row)
