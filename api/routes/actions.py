"""One POST route per ticket action (docs/api.md), each a Temporal Update with a validator.

The routes are generated from the services' action table (``services.actions``) so that
role checks, bodies and error handling cannot drift apart between actions. (No ``from
__future__ import annotations`` here: FastAPI reads each generated route's body type at
definition.)
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Header, Request
from fastapi import Path as PathParam

from api.deps import ContextDep, StaffDep, require_roles
from api.routes.tickets import TicketNo
from schema.ticket import Actor, TicketView
from services.actions import TICKET_ACTIONS, ActionOutcome, TicketAction, outcome_of, run_action
from services.tickets import shown_to
from workflows.ticket.process import BY_ACTION

router = APIRouter(prefix="/v1/tickets", tags=["actions"])

IdempotencyKey = Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")]
"""Printable ASCII without spaces, at most 200 characters."""


def announcer(request: Request) -> Callable[[str], None]:
    """Puts the action's id in the header of every answer (``RequestObserver``)."""

    def announce(action_id: str) -> None:
        request.state.action_id = action_id

    return announce


def _register(route: TicketAction) -> None:
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
        done = await run_action(
            context, route, ticket_no, actor, body, idempotency_key, announcer(request)
        )
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


for _route in TICKET_ACTIONS:
    _register(_route)


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
    return await outcome_of(context, actor, ticket_no, action, action_id)
