"""JWT bearer tokens: issued by ``hotline token``, verified by the API."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from schema.body import DEPARTMENT_REFERENCE_PATTERN
from schema.ticket import PARTNER_LINES, Actor, Role

ALGORITHM = "HS256"
# Who a token speaks for is recorded on every action it takes: a bounded, printable name.
_SUBJECT = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


def issue_token(
    secret: str,
    role: Role,
    *,
    sub: str,
    department: str | None = None,
    ttl: timedelta = timedelta(hours=12),
    account: bool = False,
    speaks_for: frozenset[str] = frozenset(),
) -> str:
    """``account``: the token of a signed-in account (``sub`` its username), refused once
    the account is disabled or its password changes; operators' tokens are not.
    ``speaks_for``: the partner lines an integration token may act for (``110``)."""
    if role is Role.DEPARTMENT and not department:
        raise ValueError("a department token needs --department CODE")
    if speaks_for and role is not Role.INTEGRATOR:
        raise ValueError("only an integrator's token speaks for a partner line")
    if not speaks_for <= PARTNER_LINES:
        raise ValueError(f"a partner line is one of: {', '.join(sorted(PARTNER_LINES))}")
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": sub,
        "role": role.value,
        "iat": now.timestamp(),  # to the microsecond: compared with a password change
        "exp": now + ttl,
    }
    if department:
        claims["department"] = department
    if account:
        claims["acct"] = True
    if speaks_for:
        claims["speaks_for"] = sorted(speaks_for)
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


@dataclass(frozen=True)
class Verified:
    actor: Actor
    issued_at: datetime | None
    account: bool  # issued to a signed-in account (POST /v1/auth/token)


class InvalidToken(Exception):
    pass


# A codec token opens the codec server and nothing else: the API refuses any token with
# an audience, and the codec server accepts one only while its id is the current one.
CODEC_AUDIENCE = "hotline-codec"


def issue_codec_token(secret: str, token_id: str, ttl: timedelta = timedelta(days=7)) -> str:
    now = datetime.now(UTC)
    claims = {"sub": "temporal-ui", "aud": CODEC_AUDIENCE, "jti": token_id, "iat": now}
    return jwt.encode({**claims, "exp": now + ttl}, secret, algorithm=ALGORITHM)


def verify_codec_token(secret: str, token: str) -> str:
    """The id of a valid codec token; raises InvalidToken otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=CODEC_AUDIENCE,
            options={"require": ["aud", "jti", "exp"]},
        )
    except jwt.ExpiredSignatureError as problem:
        raise InvalidToken("token expired") from problem
    except jwt.InvalidTokenError as problem:
        raise InvalidToken(f"invalid codec token: {problem}") from problem
    return str(claims["jti"])


def _has_audience(token: str) -> bool:
    """Whether a token names an audience (only to word the refusal: nothing is trusted)."""
    try:
        return "aud" in jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        return False


def verify_token(secret: str, token: str) -> Actor:
    """The actor a token speaks for; raises InvalidToken for any defect, expiry included."""
    return verify_claims(secret, token).actor


def verify_claims(secret: str, token: str) -> Verified:
    """The actor, when the token was issued, and whether it is an account's."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "role", "exp"]}
        )
        role = Role(claims["role"])
    except jwt.ExpiredSignatureError as problem:
        raise InvalidToken("token expired") from problem
    except (jwt.InvalidTokenError, ValueError) as problem:
        if _has_audience(token):
            raise InvalidToken(
                "invalid token: this token is for the codec server only"
            ) from problem
        raise InvalidToken(f"invalid token: {problem}") from problem
    sub, department = claims["sub"], claims.get("department")
    if not isinstance(sub, str) or not _SUBJECT.match(sub):
        raise InvalidToken("invalid token: 'sub' must be a name of 1-200 printable characters")
    if department is not None and not (
        isinstance(department, str) and re.match(DEPARTMENT_REFERENCE_PATTERN, department)
    ):
        raise InvalidToken("invalid token: 'department' must be one department code")
    if role is Role.DEPARTMENT and not department:
        raise InvalidToken("a department token must name its department")
    speaks_for = claims.get("speaks_for", [])
    if not (isinstance(speaks_for, list) and set(speaks_for) <= PARTNER_LINES):
        raise InvalidToken(f"invalid token: 'speaks_for' lists only {sorted(PARTNER_LINES)}")
    if speaks_for and role is not Role.INTEGRATOR:
        raise InvalidToken("invalid token: only an integrator's token speaks for a partner line")
    issued = claims.get("iat")
    return Verified(
        actor=Actor(sub=sub, role=role, department=department, speaks_for=frozenset(speaks_for)),
        issued_at=datetime.fromtimestamp(issued, UTC) if isinstance(issued, int | float) else None,
        account=claims.get("acct") is True,
    )
