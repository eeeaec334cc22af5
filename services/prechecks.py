"""What the services check against the read model before a workflow is asked: the
workflow cannot see the catalogue, the hierarchy or other tickets."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from schema.action_bodies import DelegateBody, DispatchBody, MergeBody, ReturnReviewBody
from schema.escalation import DisciplineReferralBody, JointMeetingBody, MeetingDecisionBody
from schema.tables import Department
from schema.ticket import Actor, Role, TicketStatus
from services import hierarchy
from services.catalogue import check_departments
from services.context import AppContext
from services.errors import ServiceError, forbidden
from services.ticket_queries import stored_ticket

# Department kinds that may call a joint meeting (the whistle of 吹哨报到).
WHISTLE_KINDS = frozenset({"township", "district_government"})

Precheck = Callable[[AppContext, str, Any, Actor], Awaitable[None]]


async def departments_exist(context: AppContext, codes: list[str]) -> None:
    async with context.sessions() as session:
        await check_departments(session, codes)


async def lead_and_assisting_exist(
    context: AppContext, _: str, body: DispatchBody | MeetingDecisionBody, actor: Actor
) -> None:
    """A dispatch, or a joint meeting's decision, names departments the catalogue has."""
    await departments_exist(context, [body.lead, *body.assisting])


async def _new_lead_exists(
    context: AppContext, _: str, body: ReturnReviewBody, actor: Actor
) -> None:
    if body.accept and body.lead:
        await departments_exist(context, [body.lead, *body.assisting])


async def _merge_target_open(
    context: AppContext, ticket_no: str, body: MergeBody, actor: Actor
) -> None:
    async with context.sessions() as session:
        target = await stored_ticket(session, body.into)
    if target is None:
        raise ServiceError(422, "unknown_ticket", f"no ticket {body.into} to merge into")
    if target.status is TicketStatus.CLOSED:
        raise ServiceError(
            409, "invalid_state", f"ticket {body.into} is closed; merge into an open one"
        )


async def _meeting_can_be_called(
    context: AppContext, _: str, body: JointMeetingBody, actor: Actor
) -> None:
    """吹哨报到: among departments, only a township or district government blows the whistle."""
    async with context.sessions() as session:
        if actor.role is Role.DEPARTMENT:
            caller = await session.get(Department, actor.department)
            if caller is None or caller.kind not in WHISTLE_KINDS:
                raise forbidden(
                    f"only a township, street or district government summons departments; "
                    f"'{actor.department}' is a {caller.kind if caller else 'unknown unit'}"
                )
    await departments_exist(context, body.departments)


async def _unit_is_below(
    context: AppContext, ticket_no: str, body: DelegateBody, actor: Actor
) -> None:
    """二级派单: a ticket is passed only down, to an active unit under the one passing it.
    (A department that is not on the ticket at all has heard 403 already; a ticket not in
    hand hears the workflow's 409.)"""
    async with context.sessions() as session:
        ticket = await stored_ticket(session, ticket_no)
        if ticket is None or ticket.status is not TicketStatus.HANDLING:
            return  # the workflow says why not (404, 409)
        await check_departments(session, [body.unit])
        below = await hierarchy.units_under(session, actor.department or "")
    if body.unit not in below - {actor.department}:
        raise ServiceError(
            422,
            "invalid_input",
            f"'{body.unit}' is not under '{actor.department}' in the catalogue's hierarchy; "
            "a ticket is passed down only, to a unit below the one that holds it",
        )


async def _referred_department_exists(
    context: AppContext, _: str, body: DisciplineReferralBody, actor: Actor
) -> None:
    if body.department:
        await departments_exist(context, [body.department])


# By action: the ticket's (the children's come after).
PRECHECKS: dict[str, Precheck] = {
    "dispatch": lead_and_assisting_exist,
    "delegate": _unit_is_below,
    "return-review": _new_lead_exists,
    "merge": _merge_target_open,
    "joint-meeting": _meeting_can_be_called,
    "discipline-referral": _referred_department_exists,
    "joint-meeting-decision": lead_and_assisting_exist,
}
