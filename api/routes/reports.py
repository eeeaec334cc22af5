"""Periodic reports for supervisors: JSON, or Markdown ready to print or forward."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel
from sqlalchemy import select

from api.deps import ContextDep, require_roles
from api.errors import ApiError
from schema.tables import Report
from schema.ticket import Actor, Role

router = APIRouter(prefix="/v1/reports", tags=["reports"])

ReaderDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]


class ReportListed(BaseModel):
    id: str
    kind: str
    period_from: datetime
    period_to: datetime
    created_at: datetime


class ReportRead(ReportListed):
    content: dict[str, Any]


@router.get("", response_model=list[ReportListed])
async def list_reports(
    _: ReaderDep,
    context: ContextDep,
    kind: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReportListed]:
    """Newest first."""
    query = select(Report).order_by(Report.period_from.desc(), Report.id).limit(limit)
    if kind is not None:
        query = query.where(Report.kind == kind)
    async with context.sessions() as session:
        rows = await session.scalars(query)
        return [ReportListed.model_validate(row, from_attributes=True) for row in rows]


@router.get("/{report_id}", response_model=ReportRead)
async def get_report(
    report_id: str,
    _: ReaderDep,
    context: ContextDep,
    format: Literal["json", "markdown"] = "json",
) -> Any:
    async with context.sessions() as session:
        row = await session.get(Report, report_id)
    if row is None:
        raise ApiError(404, "unknown_report", f"no report {report_id}")
    if format == "markdown":
        return Response(row.markdown, media_type="text/markdown; charset=utf-8")
    return ReportRead.model_validate(row, from_attributes=True)
