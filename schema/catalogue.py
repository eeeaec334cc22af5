"""Bodies and views of the departments and the dispatch catalogue (派单目录)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, field_validator

from schema.body import (
    DEPARTMENT_CODE_PATTERN,
    DEPARTMENT_REFERENCE_PATTERN,
    Body,
    DepartmentReference,
    distinct_departments,
)

DepartmentKind = Literal["department", "district_government", "township", "community"]


class DepartmentRead(BaseModel):
    code: str
    name: str
    name_zh: str
    kind: str
    district: str | None
    active: bool
    parent: str | None = None  # the unit above it in the hierarchy


class DepartmentCreate(Body):
    code: str = Field(pattern=DEPARTMENT_CODE_PATTERN)
    name: str = Field(min_length=1, max_length=200)
    name_zh: str = Field(min_length=1, max_length=200)
    kind: DepartmentKind = "department"
    district: str | None = Field(default=None, max_length=100)
    parent: str | None = Field(default=None, pattern=DEPARTMENT_REFERENCE_PATTERN)
    note: str | None = Field(default=None, max_length=2000)


class DepartmentUpdate(Body):
    """Only what is given changes. ``active: false`` retires a unit without losing history."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    name_zh: str | None = Field(default=None, min_length=1, max_length=200)
    kind: DepartmentKind | None = None
    district: str | None = Field(default=None, max_length=100)
    active: bool | None = None
    # The unit above; null: none (the top of a hierarchy).
    parent: str | None = Field(default=None, pattern=DEPARTMENT_REFERENCE_PATTERN)
    note: str | None = Field(default=None, max_length=2000)


class RoutingRuleRead(BaseModel):
    id: int
    category: str
    district: str | None
    lead: str
    assisting: list[str]
    note: str | None


class RoutingRuleCreate(Body):
    category: str = Field(min_length=1, max_length=100)
    district: str | None = Field(default=None, max_length=100, description="none: every district")
    lead: str = Field(pattern=DEPARTMENT_REFERENCE_PATTERN)
    assisting: list[DepartmentReference] = Field(default_factory=list, max_length=20)
    note: str | None = Field(
        default=None,
        max_length=2000,
        description="why, e.g. the joint consultation that decided it",
    )

    @field_validator("assisting")
    @classmethod
    def _distinct(cls, codes: list[str]) -> list[str]:
        return distinct_departments(codes)


class RoutingRuleUpdate(Body):
    """Only what is given changes; ``lead`` and ``assisting`` cannot be null (``[]``: none)."""

    lead: str | None = Field(default=None, pattern=DEPARTMENT_REFERENCE_PATTERN)
    assisting: list[DepartmentReference] | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("lead", "assisting", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("may not be null: leave it out to keep it, or send [] for none")
        return value

    @field_validator("assisting")
    @classmethod
    def _distinct(cls, codes: list[str] | None) -> list[str] | None:
        return RoutingRuleCreate._distinct(codes) if codes is not None else None


class CatalogueChangeRead(BaseModel):
    id: int
    at: datetime
    actor: str
    entity: str
    key: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str | None


# A node's code: digits (two more per level, GB/T 39666's shape) or, for categories from
# before the tree, the code they had.
CATEGORY_CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z_-]{0,99}$"
Synonym = Annotated[str, Field(min_length=1, max_length=50)]


class CategoryRead(BaseModel):
    code: str
    parent: str | None
    name_zh: str
    name: str | None
    description: str | None
    synonyms: list[str]
    active: bool
    path: str = ""  # the names from the top, 城市管理 › 市容环境 › 占道经营


class CategoryCreate(Body):
    code: str = Field(pattern=CATEGORY_CODE_PATTERN, max_length=100)
    parent: str | None = Field(default=None, pattern=CATEGORY_CODE_PATTERN, max_length=100)
    name_zh: str = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    synonyms: list[Synonym] = Field(default_factory=list, max_length=50)
    note: str | None = Field(default=None, max_length=2000)


class CategoryUpdate(Body):
    """Only what is given changes. ``active: false`` retires a node: no new ticket or rule
    names it, tickets that do keep their name. The code and the place in the tree stay."""

    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=1000)
    synonyms: list[Synonym] | None = Field(default=None, max_length=50)
    active: bool | None = None
    note: str | None = Field(default=None, max_length=2000)


class PlaceRead(BaseModel):
    code: str
    parent: str | None  # a street's district; None for a district
    name_zh: str
    name: str | None


class PlaceCreate(Body):
    code: str = Field(pattern=DEPARTMENT_CODE_PATTERN)
    parent: str | None = Field(default=None, pattern=DEPARTMENT_CODE_PATTERN)
    name_zh: str = Field(min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)


class PlaceUpdate(Body):
    name_zh: str | None = Field(default=None, min_length=1, max_length=100)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    note: str | None = Field(default=None, max_length=2000)
