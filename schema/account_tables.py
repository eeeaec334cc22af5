"""The tables of who signs in: accounts, browser sessions and failed sign-ins."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from schema.table_base import Base


class User(Base):
    """A person who signs in: an agent, a department clerk, a supervisor, … (hotline.accounts).

    ``sessions_valid_after``: sessions and tokens issued before it are refused; a new
    password or disabling the account moves it, which ends them all."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    last_sign_in_at: Mapped[datetime | None]
    sessions_valid_after: Mapped[datetime]
    language: Mapped[str | None] = mapped_column(String(8))  # the workbench's; None: zh


class WebSession(Base):
    """A signed-in browser: the cookie holds only the id (random, unguessable)."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


class SignInFailures(Base):
    """Failed sign-ins counted per account and per address, for throttling."""

    __tablename__ = "sign_in_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # account:x / address:y
    failures: Mapped[int] = mapped_column(Integer)
    first_failed_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
