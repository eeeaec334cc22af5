"""Rows read as the views callers get: the one shape of the lists that filter a table on
the columns a caller names (a category, a recipient …) and hand back pydantic models."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from services.context import AppContext

View = TypeVar("View", bound=BaseModel)


async def views_of(
    context: AppContext,
    query: Select[Any],
    view: type[View],
    equal: Mapping[InstrumentedAttribute[Any], object | None] | None = None,
) -> list[View]:
    """The rows of ``query`` as ``view``s, kept to those whose column equals each value
    given (a value of None: any)."""
    for column, value in (equal or {}).items():
        if value is not None:
            query = query.where(column == value)
    async with context.sessions() as session:
        rows = await session.scalars(query)
        return [view.model_validate(row, from_attributes=True) for row in rows]
