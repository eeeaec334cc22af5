"""The admin console's accounts (账号管理): every user with role, department and last
sign-in; create one, set a new password, change role or department, disable. Each change
that touches what a session may do ends the user's sessions and tokens."""

from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from schema.ticket import Role
from services.accounts import add_user, change_role, disable_user, list_users, set_password
from services.choices import catalogue_choices
from services.context import AppContext
from services.web_sessions import SignedIn
from web.base import ContextDep, UserDep, WebError, page, require_role
from web.i18n import N_

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


def _admins_only(me: SignedIn) -> None:
    require_role(me, (Role.ADMIN,), N_("账号管理只供管理员使用"))


def _not_oneself(me: SignedIn, username: str) -> None:
    """An admin who disables or demotes themself would lock the console."""
    if username == me.account.username:
        raise WebError(422, "invalid_input", N_("不能停用自己的账号或更改自己的角色"))


async def _users_page(
    request: Request, me: SignedIn, context: AppContext, status: int = 200, **extra: Any
) -> Response:
    choices = await catalogue_choices(context)
    return page(
        request,
        "admin_users.html",
        me,
        status,
        users=await list_users(context.sessions),
        roles=[role.value for role in Role],
        choices=choices,
        tz=ZoneInfo(context.policy.timezone),
        **extra,
    )


async def _change(request: Request, me: SignedIn, context: AppContext, change: Any) -> Response:
    """Run one change; the list again with what went wrong, or back to it."""
    try:
        await change
    except ValueError as problem:  # an AccountError, or a role that is none
        return await _users_page(request, me, context, 422, error=str(problem))
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
async def users(request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    return await _users_page(request, me, context)


@router.post("/admin/users")
async def create_user(
    request: Request,
    me: UserDep,
    context: ContextDep,
    # Defaults, not required fields: a missing one is said on the page by the account
    # rules, not answered as the API's JSON.
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Text = "",
    role: Annotated[str, Form(max_length=20)] = "",
    password: Text = "",
    department: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    _admins_only(me)

    async def create() -> None:
        await add_user(
            context.sessions,
            username=username.strip(),
            display_name=display_name.strip() or username.strip(),
            role=Role(role),
            password=password,
            department=department or None,
        )

    return await _change(request, me, context, create())


@router.post("/admin/users/{username}/password")
async def new_password(
    username: str, request: Request, me: UserDep, context: ContextDep, password: Text = ""
) -> Response:
    _admins_only(me)
    return await _change(request, me, context, set_password(context.sessions, username, password))


@router.post("/admin/users/{username}/role")
async def new_role(
    username: str,
    request: Request,
    me: UserDep,
    context: ContextDep,
    role: Annotated[str, Form(max_length=20)] = "",
    department: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    _admins_only(me)
    _not_oneself(me, username)

    async def change() -> None:
        await change_role(context.sessions, username, Role(role), department or None)

    return await _change(request, me, context, change())


@router.post("/admin/users/{username}/disable")
async def disable(username: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    _admins_only(me)
    _not_oneself(me, username)
    return await _change(request, me, context, disable_user(context.sessions, username))
