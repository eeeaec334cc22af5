"""Tokens of accounts end with the account: once it is disabled or its password changes,
every token issued before is refused, within a minute (the check is cached that long)."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.tokens import Verified
from services.accounts import valid_since
from services.errors import ServiceError

RECHECK_SECONDS = 60.0


class AccountGate:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], recheck_seconds: float = RECHECK_SECONDS
    ) -> None:
        self._sessions = sessions
        self._recheck_seconds = recheck_seconds
        self._checked: dict[str, tuple[float, datetime | None]] = {}

    async def admit(self, verified: Verified) -> None:
        """Operators' tokens (``hotline token``) pass; an account's only while valid."""
        if not verified.account:
            return
        username = verified.actor.sub
        now = time.monotonic()
        checked = self._checked.get(username)
        if checked is None or now - checked[0] > self._recheck_seconds:
            checked = (now, await valid_since(self._sessions, username))
            self._checked[username] = checked
        valid_after = checked[1]
        if valid_after is None or verified.issued_at is None or verified.issued_at < valid_after:
            raise ServiceError(
                401,
                "unauthenticated",
                "this account's tokens have ended (disabled, or a new password): sign in again",
            )
