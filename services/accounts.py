"""Accounts of the people who sign in, their passwords (Argon2) and sign-in throttling.

One account per person, with a role and, for a department clerk, the department. Used by
``hotline user …``, ``POST /v1/auth/token`` and the browser's sign-in page alike.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import sqlalchemy as sa
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from zxcvbn import zxcvbn

from hotline.database import insert_for
from schema.body import DEPARTMENT_REFERENCE_PATTERN
from schema.column_types import UtcDateTime
from schema.tables import Department, SignInFailures, User
from schema.ticket import Actor, Role

_HASHER = PasswordHash((Argon2Hasher(),))
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200  # the sign-in forms take no more
# What zxcvbn's English lists miss of the passwords most used in China (pinyin phrases,
# "I love you" numbers); matched as words, so a password built around one rates low.
COMMON_CHINESE_PASSWORDS = (
    "woaini", "5201314", "1314520", "woaini1314", "iloveyou", "qq123456", "a123456",
    "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "zhou", "wu", "xu",
    "sun", "ma", "zhu", "hu", "guo", "lin", "he", "gao", "luo", "zheng", "liang", "xie",
    "zhongguo", "beijing", "shanghai", "hotline", "12345",
)  # fmt: skip
LANGUAGES = ("zh", "en")  # the workbench's: Chinese first, English on request

# Throttling: this many failures within the window lock the account (or the address)
# for the window. An address gets more, since a centre's desks may share one.
WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20


class AccountError(ValueError):
    """A request about accounts that cannot be met; the message says why."""


class SignInRefused(Exception):
    def __init__(self, message: str, *, retry_in_minutes: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_in_minutes = retry_in_minutes  # set when throttled

    @property
    def throttled(self) -> bool:
        return self.retry_in_minutes is not None


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: Role
    department: str | None
    active: bool
    last_sign_in_at: datetime | None
    language: str = "zh"  # the workbench's: zh or en

    @property
    def actor(self) -> Actor:
        return Actor(sub=self.username, role=self.role, department=self.department)


def account_of(row: User) -> Account:
    return Account(
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        department=row.department,
        active=row.active,
        last_sign_in_at=row.last_sign_in_at,
        language=row.language or "zh",
    )


def new_password() -> str:
    """A generated password (for demo accounts): 16 characters, easy to type."""
    return secrets.token_urlsafe(12)


def _check_password(password: str, *, known: tuple[str, ...] = ()) -> None:
    """Long enough, and not guessable: zxcvbn (Dropbox's estimator, with its lists of
    common passwords, keyboard walks, repeats and sequences) must rate it at least "safely
    unguessable" (3 of 4), counting the account's own names and the common Chinese
    passwords it does not know as guessable words."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"a password has at most {MAX_PASSWORD} characters")
    rated = zxcvbn(password, user_inputs=[*COMMON_CHINESE_PASSWORDS, *known])
    if rated["score"] < 3:
        raise AccountError(
            "this password is too easy to guess (a common password, a repeat, a sequence "
            "or a keyboard pattern); use a longer phrase or a generated one"
        )


async def add_user(
    sessions: async_sessionmaker[AsyncSession],
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    department: str | None = None,
) -> Account:
    if not USERNAME.match(username):
        raise AccountError("a username is 2-64 lowercase letters, digits, '.', '_' or '-'")
    _check_password(password, known=(username, display_name))
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        await _check_department(session, role, department)
        if await session.get(User, username) is not None:
            raise AccountError(f"user '{username}' exists already")
        row = User(
            username=username,
            display_name=display_name,
            role=role.value,
            department=department,
            password_hash=_HASHER.hash(password),
            active=True,
            created_at=now,
            last_sign_in_at=None,
            sessions_valid_after=now,
        )
        session.add(row)
    return account_of(row)


async def set_password(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str
) -> None:
    """A new password; every session and token of the user ends."""
    async with sessions.begin() as session:
        row = await _user(session, username)
        _check_password(password, known=(username, row.display_name))
        row.password_hash = _HASHER.hash(password)
        row.sessions_valid_after = datetime.now(UTC)


async def disable_user(sessions: async_sessionmaker[AsyncSession], username: str) -> None:
    """The user can no longer sign in; every session and token of theirs ends."""
    async with sessions.begin() as session:
        row = await _user(session, username)
        row.active = False
        row.sessions_valid_after = datetime.now(UTC)


async def _check_department(session: AsyncSession, role: Role, department: str | None) -> None:
    """A department account names an active department of the catalogue; no other names one."""
    if (role is Role.DEPARTMENT) != (department is not None):
        raise AccountError("a department account names its department; no other does")
    if department is None:
        return
    known = await session.get(Department, department)
    if known is None or not known.active or not re.match(DEPARTMENT_REFERENCE_PATTERN, department):
        raise AccountError(f"no active department '{department}' in the catalogue")


async def change_role(
    sessions: async_sessionmaker[AsyncSession],
    username: str,
    role: Role,
    department: str | None = None,
) -> None:
    """A new role (and department, for a department account); the user's sessions and
    tokens end, since they carry the old role."""
    async with sessions.begin() as session:
        await _check_department(session, role, department)
        row = await _user(session, username)
        row.role, row.department = role.value, department
        row.sessions_valid_after = datetime.now(UTC)


async def set_language(
    sessions: async_sessionmaker[AsyncSession], username: str, language: str
) -> None:
    """The language the workbench speaks to this user (one of ``LANGUAGES``)."""
    if language not in LANGUAGES:
        raise AccountError(f"a language is one of {', '.join(LANGUAGES)}")
    async with sessions.begin() as session:
        (await _user(session, username)).language = language


async def list_users(sessions: async_sessionmaker[AsyncSession]) -> list[Account]:
    async with sessions() as session:
        rows = await session.scalars(select(User).order_by(User.username))
        return [account_of(row) for row in rows]


async def account(sessions: async_sessionmaker[AsyncSession], username: str) -> Account | None:
    async with sessions() as session:
        row = await session.get(User, username)
    return account_of(row) if row is not None else None


async def valid_since(sessions: async_sessionmaker[AsyncSession], username: str) -> datetime | None:
    """When the user's sessions and tokens became valid; None if they may not sign in."""
    async with sessions() as session:
        row = await session.get(User, username)
    return row.sessions_valid_after if row is not None and row.active else None


async def authenticate(
    sessions: async_sessionmaker[AsyncSession], username: str, password: str, address: str
) -> Account:
    """The account, if the password is right and neither it nor the address is locked.

    Every attempt takes one of the limited tries before its password is looked at, in one
    atomic statement per key, so no burst, in one API process or many, has more passwords
    tried than the limit. A right password gives its try back.
    """
    now = datetime.now(UTC)
    keys = (f"account:{username}"[:200], f"address:{address}"[:200])
    locked_until: datetime | None = None
    async with sessions.begin() as session:
        for key, limit in zip(keys, (ACCOUNT_LIMIT, ADDRESS_LIMIT), strict=True):
            tries, until = await _take_a_try(session, key, limit, now)
            if tries > limit:
                locked_until = until or now + WINDOW
                break
        row = await session.get(User, username)
        stored_hash = row.password_hash if row is not None else None
    if locked_until is not None:  # refused once the tries are committed: they count
        minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
        raise SignInRefused(
            f"too many failed sign-ins; try again in {minutes} minute(s)",
            retry_in_minutes=minutes,
        )
    # The hash is verified outside the transaction (a write lock on SQLite) and off the
    # event loop. An unknown name verifies a dummy hash and a disabled account its own, so
    # the time taken tells nothing of who exists.
    right = await asyncio.to_thread(_HASHER.verify, password, stored_hash or _dummy_hash())
    if row is None or not row.active or not right:
        raise SignInRefused("wrong username or password, or the account is disabled")
    async with sessions.begin() as session:
        # Its try given back, not the count cleared: the wrong ones around it in a burst
        # still count, so a right password among many guesses opens no more of them.
        await session.execute(
            update(SignInFailures)
            .where(SignInFailures.key.in_(keys), SignInFailures.failures > 0)
            .values(failures=SignInFailures.failures - 1)
        )
        await session.execute(
            update(User).where(User.username == username).values(last_sign_in_at=now)
        )
    return account_of(row)


async def _take_a_try(
    session: AsyncSession, key: str, limit: int, now: datetime
) -> tuple[int, datetime | None]:
    """Count one more try for ``key`` and return (tries so far, locked until).

    One INSERT … ON CONFLICT DO UPDATE … RETURNING: concurrent tries are serialised on the
    row by the database, never read and written back. A count older than the window, or
    whose lock has run out, starts again at 1; the try that reaches the limit locks the key
    for the window, and every try past it is refused.
    """
    stored = SignInFailures.__table__.c
    expired = sa.or_(
        sa.and_(stored.locked_until.is_(None), stored.first_failed_at < now - WINDOW),
        stored.locked_until <= now,
    )
    counted = sa.case((expired, 1), else_=stored.failures + 1)
    instant = sa.literal(now, UtcDateTime())
    statement = insert_for(session, SignInFailures).values(
        key=key, failures=1, first_failed_at=now, locked_until=None
    )
    statement = statement.on_conflict_do_update(
        index_elements=[stored.key],
        set_={
            "failures": counted,
            "first_failed_at": sa.case((expired, instant), else_=stored.first_failed_at),
            "locked_until": sa.case(
                (expired, None),
                (
                    sa.and_(stored.locked_until.is_(None), counted >= limit),
                    sa.literal(now + WINDOW, UtcDateTime()),
                ),
                else_=stored.locked_until,
            ),
        },
    ).returning(stored.failures, stored.locked_until)
    tries, locked_until = (await session.execute(statement)).one()
    return int(tries), locked_until


@cache
def _dummy_hash() -> str:
    """Verified in place of a missing account's hash, so an unknown name takes the time a
    known one does."""
    return _HASHER.hash(secrets.token_urlsafe(16))


async def _user(session: AsyncSession, username: str) -> User:
    row = await session.get(User, username)
    if row is None:
        raise AccountError(f"no user '{username}'")
    return row
