"""The discipline commission's desk (纪委监委工作台): referrals waiting for acknowledgement
with their deadlines, those acknowledged and under review, and those decided. Each opens
its ticket, where the commission acknowledges and records the outcome."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from schema.ticket import Role
from services.choices import catalogue_choices
from services.referrals import referrals
from services.tickets import readable_by
from web.base import ContextDep, UserDep, page, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)


@router.get("/discipline")
async def discipline_desk(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.DISCIPLINE,), N_("纪委监委工作台只供纪委监委使用"))
    found = await referrals(context)
    choices = await catalogue_choices(context)
    return page(
        request,
        "discipline.html",
        me,
        referrals=readable_by(me.account.actor, found),
        choices=choices,
        tz=ZoneInfo(context.policy.timezone),
        warning_ratio=context.policy.warning_ratio,
    )
