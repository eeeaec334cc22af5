"""Hotline statistics for supervisors (docs/statistics.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import ContextDep, require_roles
from figures.statistics import MAX_WEIGHT, Statistics, Weights
from schema.ticket import Actor, Role
from services.errors import ServiceError
from services.statistics import city_instant, period_statistics, this_month

router = APIRouter(prefix="/v1", tags=["statistics"])

SupervisorDep = Annotated[Actor, Depends(require_roles([Role.SUPERVISOR, Role.ADMIN]))]


@router.get("/stats", response_model=Statistics)
async def get_statistics(
    _: SupervisorDep,
    context: ContextDep,
    from_text: Annotated[
        str | None,
        Query(
            alias="from",
            max_length=40,
            description="inclusive: an ISO instant with offset, or a date in city time; "
            "default the first of this month",
        ),
    ] = None,
    to_text: Annotated[
        str | None,
        Query(
            alias="to",
            max_length=40,
            description="exclusive, the same way; default the first of next month",
        ),
    ] = None,
    weight_response: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().response,
    weight_resolution: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().resolution,
    weight_satisfaction: Annotated[float, Query(ge=0, le=MAX_WEIGHT)] = Weights().satisfaction,
) -> Statistics:
    """Figures per lead department and overall for tickets created in [from, to); this
    month in city time when no period is given."""
    timezone = context.policy.timezone
    period_from, period_to = this_month(timezone)
    if from_text is not None:
        period_from = city_instant(from_text, "from", timezone)
    if to_text is not None:
        period_to = city_instant(to_text, "to", timezone)
    if period_to <= period_from:
        raise ServiceError(422, "invalid_input", "'to' must come after 'from'")
    weights = Weights(
        response=weight_response, resolution=weight_resolution, satisfaction=weight_satisfaction
    )
    return await period_statistics(context, period_from, period_to, weights)
