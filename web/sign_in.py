"""Signing in and out, and the home page that sends each role to its desk."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from schema.ticket import Role
from services.accounts import AccountError, SignInRefused, authenticate, set_language
from services.web_sessions import LIFETIME, end_session, open_session
from web.base import ContextDep, UserDep, WebError, check_same_origin, page
from web.i18n import N_
from web.sessions import COOKIE

router = APIRouter(include_in_schema=False)


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str = "/", expired: str = "") -> Response:
    """Sign-in; sent here from a page whose session had ended, it says so and goes back
    to that page afterwards."""
    return page(request, "sign_in.html", None, back_to=same_site_path(next), expired=bool(expired))


def sign_in_again(request: Request) -> str:
    """Where a request without a live session is sent: sign-in, then back to the page it
    came from (a form's page for a POST, the page itself for a GET), same-site only."""
    if request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        referer = urlsplit(request.headers.get("referer") or "/")
        same = not referer.netloc or referer.netloc == request.url.netloc
        # The page again, without what the last action said of itself (done=…).
        kept = urlencode([(k, v) for k, v in parse_qsl(referer.query) if k != "done"])
        target = (referer.path or "/") + (f"?{kept}" if kept else "")
        target = target if same else "/"
    back = same_site_path(target)
    query = {"next": back} if back != "/" else {}
    if request.cookies.get(COOKIE):  # it had a session, which has ended
        query["expired"] = "1"
    return "/sign-in" + (f"?{urlencode(query)}" if query else "")


@router.post("/sign-in")
async def sign_in(
    request: Request,
    context: ContextDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    check_same_origin(request)
    next = same_site_path(next)
    address = request.client.host if request.client else "unknown"
    try:
        account = await authenticate(context.sessions, username, password, address)
    except SignInRefused as refused:
        if refused.throttled:
            error = N_("登录失败次数过多，请 %(minutes)d 分钟后再试")
            shown = {"error": error, "error_values": {"minutes": refused.retry_in_minutes}}
            return page(
                request, "sign_in.html", None, 429, username=username, back_to=next, **shown
            )
        error = N_("用户名或密码错误，或账号已停用")
        return page(
            request, "sign_in.html", None, 401, error=error, username=username, back_to=next
        )
    session = await open_session(context.sessions, account.username)
    answer = RedirectResponse(same_site_path(next), status_code=303)
    answer.set_cookie(
        COOKIE,
        session.session_id,
        max_age=int(LIFETIME.total_seconds()),  # outlives a browser restart, boundedly
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return answer


@router.post("/sign-out")
async def sign_out(me: UserDep, context: ContextDep) -> Response:
    await end_session(context.sessions, me.session_id)
    answer = RedirectResponse("/sign-in", status_code=303)
    answer.delete_cookie(COOKIE, path="/")
    return answer


def same_site_path(target: str) -> str:
    """Where to go back to: a path on this site ("/tickets?page=2"), never another site
    ("//evil.example", "https://…", "/\\evil") — anything else goes home."""
    parts = urlsplit(target)
    plain = target.isprintable() and "\\" not in target
    local = target.startswith("/") and not target.startswith("//")
    return target if plain and local and not parts.scheme and not parts.netloc else "/"


@router.post("/language")
async def choose_language(
    me: UserDep,
    context: ContextDep,
    language: Annotated[str, Form(max_length=8)],
    back_to: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """The user's language for every page from now on (zh or en), back on the page the
    user switched it on."""
    try:
        await set_language(context.sessions, me.account.username, language)
    except AccountError as problem:
        raise WebError(422, "invalid_input", str(problem)) from problem
    return RedirectResponse(same_site_path(back_to), status_code=303)


@router.get("/")
async def home(me: UserDep) -> Response:
    desk = {
        Role.AGENT: "/desk",
        Role.DEPARTMENT: "/inbox",
        Role.SUPERVISOR: "/board",
        Role.ADMIN: "/board",
        Role.DISCIPLINE: "/discipline",
    }.get(me.account.role, "/tickets")
    return RedirectResponse(desk, status_code=303)
