"""Routes for the actions on a ticket's joint meeting and discipline referral, made from
the services' table of child actions (``services.child_actions``)."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from api.deps import ContextDep, require_roles
from api.routes.actions import IdempotencyKey, announcer
from api.routes.tickets import TicketNo
from schema.ticket import Actor
from services.child_actions import CHILD_ACTIONS, ChildAction, run_child_action

router = APIRouter(prefix="/v1/tickets", tags=["escalation actions"])


def _register(action: ChildAction) -> None:
    step = action.step
    optional = all(not field.is_required() for field in step.body.model_fields.values())
    body_param = Body(default_factory=step.body) if optional else Body()
    ActorForAction = Annotated[Actor, Depends(require_roles(step.roles))]
    # Only a referral is looked up by department (several may be open on one ticket).
    Department = Annotated[str | None, Query(include_in_schema=step.by_department)]

    async def perform(
        ticket_no: TicketNo,
        actor: ActorForAction,
        context: ContextDep,
        request: Request,
        body: Annotated[step.body, body_param],  # type: ignore[name-defined]
        department: Department = None,
        idempotency_key: IdempotencyKey = None,
    ) -> Any:
        named = department if step.by_department else None
        return await run_child_action(
            context, action, ticket_no, actor, body, idempotency_key, named, announcer(request)
        )

    router.add_api_route(
        f"/{{ticket_no}}/{step.path}",
        perform,
        methods=["POST"],
        response_model=action.view,
        summary=step.summary,
        name=f"ticket_{step.action.replace('-', '_')}",
    )


for _action in CHILD_ACTIONS.values():
    _register(_action)
