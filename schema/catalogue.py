"""Bodies and views of the departments and the dispatch catalogue (派单目录)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

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
