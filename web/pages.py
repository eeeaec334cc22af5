"""The staff workbench's pages (server-rendered, HTMX for the parts that refresh).

The pages call the same services as the API, under the same rules: what an action page
offers comes from ``ticket_rules.offered``, every action goes through the API's own
route table (its prechecks, its idempotency, the workflow's validators), and a refusal
is shown in place with nothing changed. Masking and department scoping are the API's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy import select

from api.deps import AppContext, ContextDep
from api.errors import ApiError, Pending, describe_validation
from api.escalation_queries import EscalationFilter, list_escalations
from api.routes.actions import ACTION_ROUTES, run_action
from api.routes.tickets import (
    check_department_sees,
    current_ticket,
    readable_by,
    register_ticket,
    shown_to,
)
from api.ticket_queries import TicketFilter, list_tickets, stored_ticket, timeline
from hotline.accounts import SignInRefused, authenticate
from hotline.sealing import sealer
from schema.escalation import EscalationKind, EscalationOutcome
from schema.tables import Ticket
from schema.ticket import Role, TicketCreate, TicketStatus, TicketView
from web import labels
from web.forms import form_fields, read_form
from web.security import PageSecurityHeaders
from web.sessions import COOKIE, LIFETIME, SignedIn, end_session, open_session, signed_in
from workflows.ticket_rules import offered

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals.update(labels=labels)
ROUTES = {route.name: route for route in ACTION_ROUTES}


class SignInNeeded(Exception):
    pass


class WebError(ApiError):
    """A refusal on a page: answered as a page, with the API's status and message."""


async def user(request: Request, context: ContextDep) -> SignedIn:
    found = await signed_in(context.sessions, request.cookies.get(COOKIE))
    if found is None:
        raise SignInNeeded
    if request.method == "POST":
        _check_same_origin(request)
        form = await request.form()
        sent = request.headers.get("x-csrf-token") or str(form.get("csrf_token", ""))
        if sent != found.csrf_token:
            raise WebError(403, "csrf", "this form has expired or did not come from this site")
    return found


UserDep = Annotated[SignedIn, Depends(user)]


def _check_same_origin(request: Request) -> None:
    """A state-changing request must come from a page of this site (Origin, else Referer)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        raise WebError(403, "csrf", "requests from another site are refused")


def page(
    request: Request, name: str, me: SignedIn | None, status: int = 200, **values: Any
) -> Response:
    return templates.TemplateResponse(
        request, name, {"me": me, "now": datetime.now(UTC), **values}, status_code=status
    )


# -- signing in and out ----------------------------------------------------------------


@router.get("/sign-in")
async def sign_in_page(request: Request) -> Response:
    return page(request, "sign_in.html", None)


@router.post("/sign-in")
async def sign_in(
    request: Request,
    context: ContextDep,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
) -> Response:
    _check_same_origin(request)
    address = request.client.host if request.client else "unknown"
    try:
        account = await authenticate(context.sessions, username, password, address)
    except SignInRefused as refused:
        status = 429 if refused.throttled else 401
        return page(request, "sign_in.html", None, status, error=refused.message, username=username)
    session = await open_session(context.sessions, account.username)
    answer = RedirectResponse("/", status_code=303)
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


@router.get("/")
async def home(me: UserDep) -> Response:
    desk = {Role.AGENT: "/desk", Role.DEPARTMENT: "/inbox"}.get(me.account.role, "/tickets")
    return RedirectResponse(desk, status_code=303)


# -- lists -------------------------------------------------------------------------------


async def _tickets(context: AppContext, me: SignedIn, **where: Any) -> list[TicketView]:
    actor = me.account.actor
    if actor.role is Role.DEPARTMENT:
        where["department"] = actor.department
    async with context.sessions() as session:
        items, _ = await list_tickets(session, TicketFilter(**where), offset=0, limit=200)
    return [shown_to(actor, item) for item in items]


async def agent_queues(context: AppContext, me: SignedIn) -> list[tuple[str, list[TicketView]]]:
    in_hand = await _tickets(context, me, status=TicketStatus.HANDLING)
    callback = await _tickets(context, me, status=TicketStatus.CALLBACK)
    return [
        ("待派单", await _tickets(context, me, status=TicketStatus.RECEIVED)),
        ("退单待审核", await _tickets(context, me, status=TicketStatus.RETURNED)),
        ("延期待审核", [t for t in in_hand if t.pending_review == "extension"]),
        ("不满意待审核", [t for t in callback if t.pending_review == "rating"]),
        ("待回访", [t for t in callback if t.pending_review is None]),
    ]


async def department_queues(
    context: AppContext, me: SignedIn
) -> list[tuple[str, list[TicketView]]]:
    mine = me.account.department
    dispatched = await _tickets(context, me, status=TicketStatus.DISPATCHED)
    handling = await _tickets(context, me, status=TicketStatus.HANDLING)
    open_ones = dispatched + handling
    return [
        ("联席会议待报到", await _meetings_awaiting(context, me)),
        ("待签收", [t for t in dispatched if t.lead_department == mine]),
        ("办理中", [t for t in handling if t.lead_department == mine]),
        ("已超时", [t for t in open_ones if t.overdue]),
        ("督办中", [t for t in open_ones if t.supervision_tier is not None]),
        ("协办", [t for t in open_ones if t.lead_department != mine]),
    ]


async def _meetings_awaiting(context: AppContext, me: SignedIn) -> list[TicketView]:
    """Tickets whose open joint meeting summoned this department, which has not reported
    in yet (吹哨报到)."""
    mine = me.account.department
    open_meetings = EscalationFilter(
        kind=EscalationKind.JOINT_MEETING, outcome=EscalationOutcome.OPEN
    )
    waiting = []
    async with context.sessions() as session:
        meetings, _ = await list_escalations(session, open_meetings, offset=0, limit=200)
        for meeting in meetings:
            if mine not in meeting.detail.get("departments", []):
                continue
            reported = [
                e
                for e in await timeline(session, meeting.ticket_no)
                if e.action == "joint_meeting_report_in"
                and e.detail.get("department") == mine
                and e.detail.get("escalation") == meeting.number
            ]
            ticket = None if reported else await stored_ticket(session, meeting.ticket_no)
            if ticket is not None:
                waiting.append(shown_to(me.account.actor, ticket))
    return waiting


@router.get("/desk")
async def desk(request: Request, me: UserDep, context: ContextDep) -> Response:
    if me.account.role is not Role.AGENT:
        raise WebError(403, "forbidden", "话务员工作台只供话务员使用")
    queues = await agent_queues(context, me)
    return page(request, "desk.html", me, queues=queues, intake=form_fields(TicketCreate))


@router.get("/inbox")
async def inbox(request: Request, me: UserDep, context: ContextDep) -> Response:
    if me.account.role is not Role.DEPARTMENT:
        raise WebError(403, "forbidden", "承办单位工作台只供承办单位使用")
    return page(request, "inbox.html", me, queues=await department_queues(context, me))


@router.get("/queues")
async def queues_fragment(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The queues alone, for HTMX to refresh every 15 seconds."""
    found = (
        await agent_queues(context, me)
        if me.account.role is Role.AGENT
        else await department_queues(context, me)
    )
    return page(request, "queues.html", me, queues=found)


@router.get("/tickets")
async def search(
    request: Request, me: UserDep, context: ContextDep, status: TicketStatus | None = None
) -> Response:
    found = await _tickets(context, me, status=status)
    return page(request, "search.html", me, tickets=found, chosen=status)


# -- intake ----------------------------------------------------------------------------------


@router.post("/desk/tickets")
async def take_call(request: Request, me: UserDep, context: ContextDep) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    form["citizen"] = ""  # read apart below
    try:
        body = TicketCreate.model_validate(
            {
                **{k: v for k, v in form.items() if v and k in TicketCreate.model_fields},
                "enterprise": form.get("enterprise") == "on",
                "citizen": {
                    "name": form.get("citizen_name", ""),
                    "phone": form.get("citizen_phone", ""),
                },
            }
        )
        ticket = await register_ticket(context, body, me.account.actor, Response(), None)
    except ValidationError as problem:
        message, _ = describe_validation(problem)
        return await _desk_with_error(request, me, context, message, 422)
    except ApiError as problem:
        return await _desk_with_error(request, me, context, problem.message, problem.status)
    return RedirectResponse(f"/tickets/{ticket.ticket_no}", status_code=303)


@router.post("/desk/caller")
async def earlier_calls(request: Request, me: UserDep, context: ContextDep) -> Response:
    """The caller's earlier tickets, found by the keyed hash of the phone number (never by
    the number itself), as the agent types it in: an htmx fragment."""
    if me.account.role is not Role.AGENT:
        raise WebError(403, "forbidden", "话务员工作台只供话务员使用")
    phone = str((await request.form()).get("citizen_phone", ""))
    digits = "".join(ch for ch in phone if ch.isdigit())
    earlier: list[Ticket] = []
    if len(digits) >= 7:
        async with context.sessions() as session:
            earlier = list(
                await session.scalars(
                    select(Ticket)
                    .where(Ticket.phone_lookup == sealer().phone_lookup(phone))
                    .order_by(Ticket.created_at.desc())
                    .limit(10)
                )
            )
    return page(request, "earlier_calls.html", me, earlier=earlier)


async def _desk_with_error(
    request: Request, me: SignedIn, context: AppContext, message: str, status: int
) -> Response:
    queues = await agent_queues(context, me)
    intake = form_fields(TicketCreate)
    return page(request, "desk.html", me, status, queues=queues, intake=intake, error=message)


# -- the ticket page -------------------------------------------------------------------------


async def _ticket_page(
    request: Request, me: SignedIn, context: AppContext, no: str, status: int = 200, **extra: Any
) -> Response:
    actor = me.account.actor
    ticket = await current_ticket(context, no)
    check_department_sees(actor, ticket)
    async with context.sessions() as session:
        events = await timeline(session, no)
        rungs, _ = await list_escalations(
            session, EscalationFilter(ticket_no=no), offset=0, limit=None
        )
    shown = shown_to(actor, ticket)
    duplicates = [e.detail.get("duplicate") for e in events if e.action == "duplicate_merged"]
    actions = [
        (name, form_fields(route.body))
        for name, route in ROUTES.items()
        if offered(name, actor, ticket.status, ticket.lead_department, ticket.assisting_departments)
    ]
    return page(
        request,
        "ticket.html",
        me,
        status,
        tz=ZoneInfo(context.policy.timezone),
        ticket=shown,
        events=readable_by(actor, events),
        rungs=readable_by(actor, rungs),
        duplicates=duplicates,
        actions=actions,
        **extra,
    )


@router.get("/tickets/{no}")
async def ticket_page(no: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    try:
        return await _ticket_page(request, me, context, no)
    except ApiError as problem:  # unknown, or another department's: the API's answer
        raise WebError(problem.status, problem.code, problem.message) from problem


@router.post("/tickets/{no}/act/{action}")
async def act(no: str, action: str, request: Request, me: UserDep, context: ContextDep) -> Response:
    route = ROUTES.get(action)
    if route is None:
        raise WebError(404, "unknown_action", f"no action '{action}'")
    try:  # the ticket must be one this user may see at all, before anything is tried
        check_department_sees(me.account.actor, await current_ticket(context, no))
    except ApiError as problem:
        raise WebError(problem.status, problem.code, problem.message) from problem
    form = {k: str(v) for k, v in (await request.form()).items()}
    actor = me.account.actor
    try:
        await run_action(context, route, no, actor, read_form(route.body, form), None, request)
    except ValidationError as problem:
        message, _ = describe_validation(problem)
        return await _ticket_page(request, me, context, no, 422, error=message, failed=action)
    except ApiError as problem:
        return await _ticket_page(
            request, me, context, no, problem.status, error=problem.message, failed=action
        )
    except Pending as pending:
        return await _ticket_page(request, me, context, no, 202, notice=str(pending))
    return RedirectResponse(f"/tickets/{no}", status_code=303)


def install(app: Any) -> None:
    """The workbench's routes, its static files, its error pages and security headers."""
    app.include_router(router)
    app.mount("/web-static", StaticFiles(directory=Path(__file__).parent / "static"))
    app.add_middleware(PageSecurityHeaders)

    @app.exception_handler(WebError)
    async def _refused(request: Request, problem: WebError) -> Response:
        me = await signed_in(request.app.state.context.sessions, request.cookies.get(COOKIE))
        return page(request, "error.html", me, problem.status, message=problem.message)

    @app.exception_handler(SignInNeeded)
    async def _sign_in_first(request: Request, _: SignInNeeded) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
        return RedirectResponse("/sign-in", status_code=303)
