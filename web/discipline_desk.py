"""The discipline commission's desk (纪委监委工作台): referrals waiting for acknowledgement
with their deadlines, those acknowledged and under review, and those decided. Each opens
its ticket, where the commission acknowledges and records the outcome."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from schema.escalation import DisciplineOutcome, Escalation, EscalationKind, EscalationOutcome
from schema.ticket import Role
from services.escalation_queries import EscalationFilter, child_reports, list_escalations
from services.tickets import readable_by
from web.base import ContextDep, UserDep, page, require_role
from web.choices import catalogue_choices
from web.i18n import N_

router = APIRouter(include_in_schema=False)
SHOWN = 100  # rows a list shows; the escalation history has them all


@dataclass(frozen=True)
class Referrals:
    awaiting: list[Escalation]  # not yet acknowledged, soonest deadline first
    reviewing: list[Escalation]  # acknowledged, no outcome yet
    decided: list[Escalation]  # newest first


async def referrals(session: AsyncSession) -> Referrals:
    referral = EscalationKind.DISCIPLINE_REFERRAL
    open_ones, _ = await list_escalations(
        session,
        EscalationFilter(kind=referral, outcome=EscalationOutcome.OPEN),
        offset=0,
        limit=SHOWN,
    )
    acknowledged = await child_reports(session, open_ones, "discipline_referral_acknowledged")
    decided = []
    for outcome in DisciplineOutcome:
        found, _ = await list_escalations(
            session,
            EscalationFilter(kind=referral, outcome=EscalationOutcome(outcome.value)),
            offset=0,
            limit=SHOWN,
        )
        decided.extend(found)
    waiting = [r for r in open_ones if (r.ticket_no, r.number) not in acknowledged]
    return Referrals(
        awaiting=sorted(waiting, key=lambda r: r.due_at or r.raised_at),
        reviewing=[r for r in open_ones if (r.ticket_no, r.number) in acknowledged],
        decided=sorted(decided, key=lambda r: r.ended_at or r.raised_at, reverse=True)[:SHOWN],
    )


@router.get("/discipline")
async def discipline_desk(request: Request, me: UserDep, context: ContextDep) -> Response:
    require_role(me, (Role.DISCIPLINE,), N_("纪委监委工作台只供纪委监委使用"))
    async with context.sessions() as session:
        found = await referrals(session)
        choices = await catalogue_choices(session)
    return page(
        request,
        "discipline.html",
        me,
        referrals=readable_by(me.account.actor, found),
        choices=choices,
        tz=ZoneInfo(context.policy.timezone),
    )
