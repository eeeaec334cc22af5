"""Hotline statistics for supervisors (docs/statistics.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import ContextDep, require_roles
from api.errors import ApiError, require_offsets
from hotline.statistics import Statistics, Weights, statistics
from hotline.ticket_facts import missed_report_ins, ticket_facts
from schema.ticket import Actor, Role

router = APIRouter(prefix="/v1", tags=["statistics"])

SupervisorDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]


@router.get("/stats", response_model=Statistics)
async def get_statistics(
    _: SupervisorDep,
    context: ContextDep,
    period_from: Annotated[datetime, Query(alias="from", description="inclusive, with offset")],
    period_to: Annotated[datetime, Query(alias="to", description="exclusive, with offset")],
    weight_response: Annotated[float, Query(ge=0)] = Weights().response,
    weight_resolution: Annotated[float, Query(ge=0)] = Weights().resolution,
    weight_satisfaction: Annotated[float, Query(ge=0)] = Weights().satisfaction,
) -> Statistics:
    """Figures per lead department and overall for tickets created in [from, to)."""
    require_offsets(**{"from": period_from, "to": period_to})
    if period_to <= period_from:
        raise ApiError(422, "invalid_input", "'to' must come after 'from'")
    weights = Weights(
        response=weight_response, resolution=weight_resolution, satisfaction=weight_satisfaction
    )
    async with context.sessions() as session:
        facts = await ticket_facts(session, created_from=period_from, created_to=period_to)
        absences = await missed_report_ins(session, raised_from=period_from, raised_to=period_to)
    return statistics(
        facts,
        period_from=period_from,
        period_to=period_to,
        weights=weights,
        missed_report_ins=absences,
    )
