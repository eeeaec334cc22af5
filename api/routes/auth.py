"""``POST /v1/auth/token``: a username and password traded for a bearer token, so that
scripts need neither the CLI nor the secret file (``hotline token`` stays for operators)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import ContextDep
from hotline.tokens import issue_token
from schema.body import Body
from services.accounts import SignInRefused, authenticate
from services.errors import ServiceError

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class Credentials(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class IssuedToken(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int  # seconds
    role: str
    department: str | None


@router.post("/token", response_model=IssuedToken)
async def issue_account_token(
    credentials: Credentials, request: Request, context: ContextDep
) -> IssuedToken:
    """401 for a wrong username or password (which one is not said); 429 after repeated
    failures for the account or from the address, with when to try again."""
    address = request.client.host if request.client else "unknown"
    try:
        account = await authenticate(
            context.sessions, credentials.username, credentials.password, address
        )
    except SignInRefused as refused:
        status, code = (429, "throttled") if refused.throttled else (401, "unauthenticated")
        raise ServiceError(status, code, refused.message) from refused
    ttl = timedelta(hours=context.settings.token_ttl_hours)
    token = issue_token(
        context.jwt_secret,
        account.role,
        sub=account.username,
        department=account.department,
        ttl=ttl,
        account=True,
    )
    return IssuedToken(
        access_token=token,
        expires_in=int(ttl.total_seconds()),
        role=account.role.value,
        department=account.department,
    )
