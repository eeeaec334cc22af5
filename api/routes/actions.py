"""One POST route per ticket action (docs/api.md), each a Temporal Update with a validator.

The routes are generated from one table so that role checks, bodies and error
handling cannot drift apart between actions. (No ``from __future__ import
annotations`` here: FastAPI reads each generated route's body type at definition.)
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header
from pydantic import BaseModel

from api.deps import AppContext, ContextDep, require_roles
from api.errors import ApiError, forbidden, not_found
from api.routes.tickets import TicketNo, shown_to
from api.ticket_queries import stored_ticket, unknown_departments
from schema.escalation import DisciplineReferralBody, JointMeetingBody, SuperviseBody
from schema.tables import Department
from schema.ticket import (
    Actor,
    AnswerBody,
    DispatchBody,
    ExtensionBody,
    ExtensionReviewBody,
    MergeBody,
    ProgressBody,
    RatingBody,
    RatingReviewBody,
    RejectBody,
    ReplyBody,
    ReturnBody,
    ReturnReviewBody,
    Role,
    SignBody,
    TicketStatus,
    TicketView,
    Transfer110Body,
    WithdrawBody,
)
from workflows.ticket import TicketUpdate, TicketWorkflow
from workflows.ticket_rules import ACTION_RULES

router = APIRouter(prefix="/v1/tickets", tags=["actions"])

# Department kinds that may call a joint meeting (the whistle of 吹哨报到).
WHISTLE_KINDS = frozenset({"township", "district_government"})

Precheck = Callable[[AppContext, str, Any, Actor], Awaitable[None]]


async def departments_exist(context: AppContext, codes: list[str]) -> None:
    async with context.sessions() as session:
        unknown = await unknown_departments(session, codes)
    if unknown:
        raise ApiError(422, "unknown_department", f"unknown or inactive department(s): {unknown}")


async def _dispatch_targets_exist(
    context: AppContext, _: str, body: DispatchBody, actor: Actor
) -> None:
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
        raise ApiError(422, "unknown_ticket", f"no ticket {body.into} to merge into")
    if target.status is TicketStatus.CLOSED:
        raise ApiError(
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


async def _referred_department_exists(
    context: AppContext, _: str, body: DisciplineReferralBody, actor: Actor
) -> None:
    if body.department:
        await departments_exist(context, [body.department])


async def _closed_or_unknown(context: AppContext, ticket_no: str) -> ApiError:
    """Temporal says only 'not found' for a completed ticket; the read model knows which."""
    async with context.sessions() as session:
        stored = await stored_ticket(session, ticket_no)
    if stored is None:
        return not_found(ticket_no)
    return ApiError(409, "invalid_state", f"ticket {ticket_no} is closed ({stored.closure_reason})")


@dataclass(frozen=True)
class ActionRoute:
    name: str
    update: TicketUpdate
    body: type[BaseModel]
    summary: str
    precheck: Precheck | None = None


ACTION_ROUTES = [
    ActionRoute("answer", TicketWorkflow.answer, AnswerBody, "Answered on the spot (直接办结)"),
    ActionRoute(
        "transfer-110",
        TicketWorkflow.transfer_110,
        Transfer110Body,
        "Hand over to the 110 police line; closed as transferred_110",
    ),
    ActionRoute(
        "reject", TicketWorkflow.reject, RejectBody, "Out of scope (不予受理); closed as rejected"
    ),
    ActionRoute(
        "dispatch",
        TicketWorkflow.dispatch,
        DispatchBody,
        "Dispatch to a lead and assisting departments (派单)",
        _dispatch_targets_exist,
    ),
    ActionRoute("sign", TicketWorkflow.sign, SignBody, "The lead department signs for it (签收)"),
    ActionRoute(
        "return",
        TicketWorkflow.return_ticket,
        ReturnBody,
        "Return it with reason and legal basis, within the return window (退单)",
    ),
    ActionRoute(
        "return-review",
        TicketWorkflow.review_return,
        ReturnReviewBody,
        "Accept a return (new lead, fresh clocks) or reject it",
        _new_lead_exists,
    ),
    ActionRoute(
        "progress",
        TicketWorkflow.report_progress,
        ProgressBody,
        "Interim progress report (阶段性答复)",
    ),
    ActionRoute(
        "extension",
        TicketWorkflow.request_extension,
        ExtensionBody,
        "Ask for more working days before the reply deadline (延期)",
    ),
    ActionRoute(
        "extension-review",
        TicketWorkflow.review_extension,
        ExtensionReviewBody,
        "Approve or refuse an extension",
    ),
    ActionRoute("reply", TicketWorkflow.reply, ReplyBody, "The lead department replies (答复)"),
    ActionRoute("rating", TicketWorkflow.rate, RatingBody, "The citizen's callback rating (回访)"),
    ActionRoute(
        "rating-review",
        TicketWorkflow.review_rating,
        RatingReviewBody,
        "Review an unsatisfied rating: rework (发回重办) or close, excluded",
    ),
    ActionRoute(
        "merge",
        TicketWorkflow.merge,
        MergeBody,
        "Merge this duplicate into an earlier ticket (并单)",
        _merge_target_open,
    ),
    ActionRoute(
        "withdraw",
        TicketWorkflow.withdraw,
        WithdrawBody,
        "The citizen withdraws the request (撤诉)",
    ),
    ActionRoute(
        "supervise",
        TicketWorkflow.supervise,
        SuperviseBody,
        "Raise the ladder one rung by hand (督办): a blue order, then orange, red, then a "
        "named leader",
    ),
    ActionRoute(
        "joint-meeting",
        TicketWorkflow.convene_joint_meeting,
        JointMeetingBody,
        "Summon departments to a joint meeting (联席会议 / 吹哨报到), a child workflow",
        _meeting_can_be_called,
    ),
    ActionRoute(
        "discipline-referral",
        TicketWorkflow.refer_to_discipline,
        DisciplineReferralBody,
        "Refer the lead (or a named) department to the discipline commission (纪委监委)",
        _referred_department_exists,
    ),
]


def _register(route: ActionRoute) -> None:
    roles = ACTION_RULES[route.name].roles
    optional = all(not field.is_required() for field in route.body.model_fields.values())
    body_param = Body(default_factory=route.body) if optional else Body()
    ActorForAction = Annotated[Actor, Depends(require_roles(roles))]

    async def perform(
        ticket_no: TicketNo,
        actor: ActorForAction,
        context: ContextDep,
        body: Annotated[route.body, body_param],  # type: ignore[name-defined]
        idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
    ) -> TicketView:
        if route.precheck is not None:
            await route.precheck(context, ticket_no, body, actor)
        try:
            # The caller's key names the Temporal update, scoped to the action and the caller.
            update_id = f"{route.name}:{actor.sub}:{idempotency_key}" if idempotency_key else None
            done = await context.tickets.act(ticket_no, route.update, actor, body, update_id)
            return shown_to(actor, done)
        except ApiError as problem:
            if problem.status == 404:
                raise await _closed_or_unknown(context, ticket_no) from problem
            raise

    allowed = ", ".join(sorted(r.value for r in roles))
    router.add_api_route(
        f"/{{ticket_no}}/{route.name}",
        perform,
        methods=["POST"],
        response_model=TicketView,
        summary=route.summary,
        description=f"Roles: {allowed}. Refused with 409 in the wrong state, 403 for the "
        "wrong role or department, 422 for a bad body; a refusal changes nothing. With an "
        "`Idempotency-Key`, a retry (after a 503, say) returns the first attempt's outcome "
        "instead of applying the action again.",
        name=f"ticket_{route.name.replace('-', '_')}",
    )


for _route in ACTION_ROUTES:
    _register(_route)
