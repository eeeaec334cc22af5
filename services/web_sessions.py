"""Signed-in browsers' sessions, one row per sign-in: opened, found behind a cookie, ended.

A session ends on sign-out, when it expires (it survives a browser restart until then),
and when its account is disabled or given a new password. The cookie and the CSRF check
are the pages' (``web/sessions.py``, ``web/base.py``); the rows are read and written here.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from schema.tables import Department, User, WebSession
from services.accounts import Account, account, account_of

LIFETIME = timedelta(hours=12)


@dataclass(frozen=True)
class SignedIn:
    account: Account
    session_id: str
    csrf_token: str
    # The account's unit by name (Chinese, English), for the top bar: never its code.
    unit_names: tuple[str, str] | None = None

    def unit_name(self, language: str) -> str | None:
        if self.unit_names is None:
            return None
        return self.unit_names[1] if language == "en" else self.unit_names[0]


async def open_session(sessions: async_sessionmaker[AsyncSession], username: str) -> SignedIn:
    now = datetime.now(UTC)
    row = WebSession(
        id=secrets.token_urlsafe(32),
        username=username,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + LIFETIME,
        ended_at=None,
    )
    async with sessions.begin() as session:
        session.add(row)
    found = await account(sessions, username)
    assert found is not None  # just signed in
    return SignedIn(account=found, session_id=row.id, csrf_token=row.csrf_token)


async def signed_in(
    sessions: async_sessionmaker[AsyncSession], session_id: str | None
) -> SignedIn | None:
    """The live session behind a cookie, or None (unknown, ended, expired, or its account
    disabled or given a new password since)."""
    if not session_id or len(session_id) > 64:
        return None
    now = datetime.now(UTC)
    async with sessions() as session:
        row = await session.get(WebSession, session_id)
        if row is None or row.ended_at is not None or row.expires_at <= now:
            return None
        user = await session.get(User, row.username)
        if user is None or not user.active or user.sessions_valid_after > row.created_at:
            return None
        unit = await session.get(Department, user.department) if user.department else None
    names = (unit.name_zh, unit.name) if unit is not None else None
    return SignedIn(
        account=account_of(user), session_id=row.id, csrf_token=row.csrf_token, unit_names=names
    )


async def end_session(sessions: async_sessionmaker[AsyncSession], session_id: str) -> None:
    async with sessions.begin() as session:
        row = await session.get(WebSession, session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = datetime.now(UTC)
