"""我的工作: a department sees its own month (its 三率 as the statistics page computes
them, what is overdue, where it ranks), an agent their own day (calls registered, tickets
dispatched by hand, answered at once)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schema.ticket import Role
from services.choices import catalogue_choices
from services.own_work import agent_day, department_standing
from web.base import ContextDep, UserDep, page, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)

# The three rates (三率) as the statistics page names and computes them: 响应率 is the
# share signed in time, so a department reads it as its 签收率.
THREE_RATES = {
    "response_rate": N_("签收率（响应率）"),
    "on_time_closure_rate": N_("按时办结率"),
    "satisfaction_rate": N_("满意率"),
}


@router.get("/my-work")
async def my_work(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.AGENT, Role.DEPARTMENT), N_("“我的工作”只供话务员和承办单位使用"))
    actor = me.account.actor
    shown: dict[str, Any] = {"tz": ZoneInfo(context.policy.timezone), "rates": THREE_RATES}
    if actor.role is Role.DEPARTMENT and actor.department:
        shown["standing"] = await department_standing(context, actor.department)
        shown["choices"] = await catalogue_choices(context)
    else:
        shown["day"] = await agent_day(context, actor, datetime.now(UTC))
    return page(request, "my_work.html", me, **shown)
