"""JWT bearer tokens: issued by ``hotline token``, verified by the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from schema.ticket import Actor, Role

ALGORITHM = "HS256"


def issue_token(
    secret: str,
    role: Role,
    *,
    sub: str,
    department: str | None = None,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    if role is Role.DEPARTMENT and not department:
        raise ValueError("a department token needs --department CODE")
    now = datetime.now(UTC)
    claims: dict[str, object] = {"sub": sub, "role": role.value, "iat": now, "exp": now + ttl}
    if department:
        claims["department"] = department
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


class InvalidToken(Exception):
    pass


def verify_token(secret: str, token: str) -> Actor:
    """The actor a token speaks for; raises InvalidToken for any defect, expiry included."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "role", "exp"]}
        )
        role = Role(claims["role"])
    except jwt.ExpiredSignatureError as problem:
        raise InvalidToken("token expired") from problem
    except (jwt.InvalidTokenError, ValueError) as problem:
        raise InvalidToken(f"invalid token: {problem}") from problem
    department = claims.get("department")
    if role is Role.DEPARTMENT and not department:
        raise InvalidToken("a department token must name its department")
    return Actor(sub=str(claims["sub"]), role=role, department=department)
