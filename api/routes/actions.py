"""One POST route per ticket action (docs/api.md), each a Temporal Update with a validator.

The routes are generated from one table so that role checks, bodies and error
handling cannot drift apart between actions. (No ``from __future__ import
annotations`` here: FastAPI reads each generated route's body type at definition.)
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi import Path as PathParam
from pydantic import BaseModel

from api.deps import ContextDep, StaffDep, check_speaks_for, require_roles
from api.routes.tickets import TicketNo, shown_to
from schema.escalation import (
    DisciplineReferralBody,
    JointMeetingBody,
    MeetingDecisionBody,
)
from schema.tables import Department
from schema.ticket import (
    Actor,
    Channel,
    DelegateBody,
    DispatchBody,
    MergeBody,
    ReturnReviewBody,
    Role,
    TicketStatus,
    TicketView,
)
from services import hierarchy
from services.catalogue import check_departments
from services.context import AppContext
from services.errors import ServiceError, forbidden, not_found
from services.escalation_queries import EscalationFilter, list_escalations
from services.idempotency import action_id, bind_action_key
from services.ticket_gateway import ActionRef
from services.ticket_queries import stored_ticket
from workflows.child_process import CHILD_BY_ACTION
from workflows.ids import ticket_workflow_id
from workflows.ticket.process import BY_ACTION, PROCESS
from workflows.ticket.rules import department_refusal
from workflows.ticket.workflow import TicketUpdate, TicketWorkflow

router = APIRouter(prefix="/v1/tickets", tags=["actions"])

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


# 110's answers to a ticket handed to it: only the integration named as 110's speaks them.
POLICE_ACTIONS = frozenset({"police-accept", "police-hand-back"})


async def _check_department_has_business(
    context: AppContext, action: str, ticket_no: str, actor: Actor
) -> None:
    """403 for an integration speaking for 110 that was not granted to, and for a
    department with no business taking ``action`` on the ticket, decided from
    the token and the read model before the workflow is asked: whether the ticket is open
    or closed (a closed ticket's 409 would tell it the closure and its reason) and whether
    a worker is up or not (the update would wait for one and answer 202). The workflow's
    validator checks the same again on the ticket's own state."""
    if action in POLICE_ACTIONS:
        check_speaks_for(actor, Channel.POLICE.value, f"'{action}'")
    if actor.role is not Role.DEPARTMENT:
        return
    async with context.sessions() as session:
        ticket = await stored_ticket(session, ticket_no)
    refusal = department_refusal(action, ticket, actor.department) if ticket else None
    if refusal is not None:
        raise forbidden(refusal)


async def _closed_or_unknown(context: AppContext, ticket_no: str) -> ServiceError:
    """Temporal says only 'not found' for a completed ticket; the read model knows which."""
    async with context.sessions() as session:
        stored = await stored_ticket(session, ticket_no)
    if stored is None:
        return not_found(ticket_no)
    return ServiceError(
        409, "invalid_state", f"ticket {ticket_no} is closed ({stored.closure_reason})"
    )


IdempotencyKey = Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")]
"""Printable ASCII without spaces, at most 200 characters."""


async def workflows_acting_for(context: AppContext, ticket_no: str, action: str) -> list[str]:
    """Where an action of that name runs: the ticket, or its meetings or referrals."""
    child = CHILD_BY_ACTION.get(action)
    if child is None:
        return [ticket_workflow_id(ticket_no)]
    kind = child.kind
    async with context.sessions() as session:
        rungs, _ = await list_escalations(
            session, EscalationFilter(ticket_no=ticket_no, kind=kind), offset=0, limit=None
        )
    return [rung.workflow_id for rung in rungs if rung.workflow_id]


@dataclass(frozen=True)
class ActionRoute:
    name: str
    update: TicketUpdate
    body: type[BaseModel]
    summary: str
    precheck: Precheck | None = None


# What the API checks against the read model before the workflow is asked (the workflow
# cannot see the catalogue or other tickets): by action.
PRECHECKS: dict[str, Precheck] = {
    "dispatch": lead_and_assisting_exist,
    "delegate": _unit_is_below,
    "return-review": _new_lead_exists,
    "merge": _merge_target_open,
    "joint-meeting": _meeting_can_be_called,
    "discipline-referral": _referred_department_exists,
}

# One route per row of the process table, in the order of the chart.
ACTION_ROUTES = [
    ActionRoute(
        row.action,
        getattr(TicketWorkflow, row.update),
        row.body,
        row.summary,
        PRECHECKS.get(row.action),
    )
    for row in PROCESS
]


def _register(route: ActionRoute) -> None:
    roles = BY_ACTION[route.name].roles
    optional = all(not field.is_required() for field in route.body.model_fields.values())
    body_param = Body(default_factory=route.body) if optional else Body()
    ActorForAction = Annotated[Actor, Depends(require_roles(roles))]

    async def perform(
        ticket_no: TicketNo,
        actor: ActorForAction,
        context: ContextDep,
        request: Request,
        body: Annotated[route.body, body_param],  # type: ignore[name-defined]
        idempotency_key: IdempotencyKey = None,
    ) -> TicketView:
        done = await run_action(context, route, ticket_no, actor, body, idempotency_key, request)
        return shown_to(actor, done)

    allowed = ", ".join(sorted(r.value for r in roles))
    router.add_api_route(
        f"/{{ticket_no}}/{route.name}",
        perform,
        methods=["POST"],
        response_model=TicketView,
        summary=route.summary,
        description=f"Roles: {allowed}. Refused with 409 in the wrong state, 403 for the "
        "wrong role or department, 422 for a bad body; a refusal changes nothing. Every "
        "action has an id: the caller's `Idempotency-Key`, or one the server makes, returned "
        "in that header. A retry with it returns the first attempt's outcome instead of "
        "applying the action again. 202: Temporal has the action but it is not done yet; "
        "its outcome is at the `Location` given.",
        responses={202: {"description": "accepted, not yet done: the outcome is at Location"}},
        name=f"ticket_{route.name.replace('-', '_')}",
    )


for _route in ACTION_ROUTES:
    _register(_route)


async def run_action(
    context: AppContext,
    route: ActionRoute,
    ticket_no: str,
    actor: Actor,
    body: BaseModel,
    idempotency_key: str | None,
    request: Request,
) -> TicketView:
    """One ticket action, as the API and the workbench both run it: who may act, the
    route's precheck, the action's id, then the workflow's update (which validates and
    applies it)."""
    await _check_department_has_business(context, route.name, ticket_no, actor)
    if route.precheck is not None:
        await route.precheck(context, ticket_no, body, actor)
    action = await identify_action(
        context, actor, ticket_no, route.name, body, idempotency_key, request
    )
    try:
        return await context.tickets.act(ticket_no, route.update, actor, body, action)
    except ServiceError as problem:
        if problem.status == 404:
            raise await _closed_or_unknown(context, ticket_no) from problem
        raise


async def identify_action(
    context: AppContext,
    actor: Actor,
    ticket_no: str,
    action: str,
    body: BaseModel,
    idempotency_key: str | None,
    request: Request,
) -> ActionRef:
    """The action's id (the caller's key, bound to this request, or a new one), returned in
    the ``Idempotency-Key`` header so that a retry can send it."""
    if idempotency_key is not None:
        await bind_action_key(
            context.sessions,
            actor=actor,
            key=idempotency_key,
            ticket_no=ticket_no,
            action=action,
            body=body,
        )
    ref = ActionRef(ticket_no=ticket_no, action=action, action_id=action_id(idempotency_key))
    request.state.action_id = ref.action_id  # in the header of every answer (RequestObserver)
    return ref


class ActionOutcome(BaseModel):
    action_id: str
    action: str
    ticket_no: str
    status: Literal["done", "refused", "pending"]
    ticket: dict[str, Any] | None = None  # the ticket (or meeting, referral) after the action
    error: dict[str, str] | None = None  # why it was refused


@router.get(
    "/{ticket_no}/actions/{action}/{action_id}",
    response_model=ActionOutcome,
    summary="The outcome of one of the caller's own actions, by its id",
)
async def action_outcome(
    ticket_no: TicketNo,
    action: Annotated[str, PathParam(pattern=r"^[a-z0-9-]{1,40}$")],
    action_id: Annotated[str, PathParam(pattern=r"^[\x21-\x7e]{1,200}$")],
    actor: StaffDep,
    context: ContextDep,
) -> ActionOutcome:
    """done (with the ticket after it), refused (with the reason) or pending. Only the
    caller's own actions: the id is looked up under the caller's name."""
    ref = ActionRef(ticket_no=ticket_no, action=action, action_id=action_id)
    answer = ActionOutcome(
        action_id=action_id, action=action, ticket_no=ticket_no, status="pending"
    )
    for workflow_id in await workflows_acting_for(context, ticket_no, action):
        try:
            result = await context.tickets.outcome(workflow_id, ref.update_id(actor))
        except ServiceError as problem:
            if problem.code == "unknown_action":
                continue
            if problem.status in (403, 409, 422):
                return answer.model_copy(
                    update={
                        "status": "refused",
                        "error": {"code": problem.code, "message": problem.message},
                    }
                )
            raise
        if result is None:
            return answer
        if action not in CHILD_BY_ACTION:  # the ticket after it, shown as to any of its reads
            result = shown_to(actor, TicketView.model_validate(result)).model_dump(mode="json")
        return answer.model_copy(update={"status": "done", "ticket": result})
    raise ServiceError(
        404,
        "unknown_action",
        f"no action '{action}' with id {action_id} of yours on ticket {ticket_no}: it never "
        "reached the ticket, or the ticket refused it (a refusal changes nothing and leaves "
        "no trace), or the id is wrong. Read the ticket; a retry with the same "
        "Idempotency-Key is applied at most once",
    )
