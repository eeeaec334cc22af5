"""FastAPI dependencies: the application context, the caller, and role checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from hotline.tokens import InvalidToken, verify_claims
from schema.ticket import Actor, Role
from services.context import AppContext
from services.errors import ServiceError, forbidden

# The dependencies are coroutines: FastAPI runs plain functions in a thread pool, a hop
# per dependency per request that cost the API more than the checks themselves.


async def get_context(request: Request) -> AppContext:
    context: AppContext = request.app.state.context
    return context


ContextDep = Annotated[AppContext, Depends(get_context)]

_bearer = HTTPBearer(auto_error=False, description="JWT issued by `hotline token ROLE`")


async def current_actor(
    context: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    if credentials is None:
        raise ServiceError(401, "unauthenticated", "send 'Authorization: Bearer <token>'")
    try:
        verified = verify_claims(context.jwt_secret, credentials.credentials)
    except InvalidToken as problem:
        raise ServiceError(401, "unauthenticated", str(problem)) from problem
    await context.accounts.admit(verified)
    return verified.actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def require_roles(roles: Iterable[Role]) -> Callable[[Actor], Awaitable[Actor]]:
    allowed = frozenset(roles)

    async def check(actor: ActorDep) -> Actor:
        if actor.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise forbidden(f"role '{actor.role}' may not do this; allowed: {names}")
        return actor

    return check


STAFF_ROLES = tuple(Role)
StaffDep = Annotated[Actor, Depends(require_roles(STAFF_ROLES))]
IntakeActorDep = Annotated[Actor, Depends(require_roles([Role.AGENT, Role.INTEGRATOR]))]
