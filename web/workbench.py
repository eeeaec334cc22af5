"""The staff workbench mounted on the API's application: its pages, static files, error
pages and security headers."""

from __future__ import annotations

import inspect
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.choices import catalogue_choices
from services.errors import refusal_of
from services.web_sessions import signed_in
from web import (
    admin_catalogue,
    admin_doctor,
    admin_policy,
    admin_tree,
    admin_users,
    bell,
    board,
    bulk,
    citizen_page,
    citizen_report,
    desk,
    discipline_desk,
    escalation_history,
    hotspots,
    internal_notes,
    message_log,
    my_work,
    refusal_words,
    reports_page,
    search,
    sign_in,
    statistics_page,
    ticket_page,
    ticket_print,
    topbar_search,
)
from web.base import SignInNeeded, WebError, page
from web.i18n import N_, from_header, gettext_for
from web.security import PageSecurityHeaders
from web.sessions import COOKIE


def install(app: FastAPI) -> None:
    pages = (
        sign_in,
        citizen_page,
        citizen_report,
        bell,
        desk,
        search,
        topbar_search,
        bulk,
        ticket_print,
        internal_notes,
        message_log,
        ticket_page,
        board,
        statistics_page,
        hotspots,
        escalation_history,
        reports_page,
        discipline_desk,
        my_work,
        admin_users,
        admin_catalogue,
        admin_tree,
        admin_policy,
        admin_doctor,
    )
    for module in pages:
        app.include_router(module.router)
    app.mount("/web-static", StaticFiles(directory=Path(__file__).parent / "static"))
    app.add_middleware(PageSecurityHeaders)

    @app.exception_handler(WebError)
    async def _refused(request: Request, problem: WebError) -> Response:
        context = request.app.state.context
        me = await signed_in(context.sessions, request.cookies.get(COOKIE))
        language = (
            me.account.language if me else from_header(request.headers.get("accept-language"))
        )
        # Said from the refusal's reason or code, units by name: never the API's English.
        choices = (await catalogue_choices(context)).speaking(language)
        words = refusal_words.said(refusal_of(problem), gettext_for(language), choices)
        return page(request, "error.html", me, problem.status, message=words)

    # A browser that asks for a page the app cannot give (no such page, a wrong method, a
    # failure) reads why in its language; integrators keep the API's JSON answer.
    api_answer = app.exception_handlers.get(StarletteHTTPException)

    @app.exception_handler(StarletteHTTPException)
    async def _no_page(request: Request, problem: StarletteHTTPException) -> Response:
        if api_answer is None or wants_a_page(request):
            return await error_page(request, problem.status_code)
        answered = api_answer(request, problem)
        return await answered if inspect.isawaitable(answered) else answered

    @app.exception_handler(SignInNeeded)
    async def _sign_in_first(request: Request, _: SignInNeeded) -> Response:
        where = sign_in.sign_in_again(request)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": where})
        return RedirectResponse(where, status_code=303)


# What a page says for an HTTP status it was answered with (a page the app has not).
HTTP_WORDS = {
    404: N_("没有这个页面，或它已不存在。"),
    405: N_("这个页面不能这样打开，请从工作台进入。"),
    500: N_("系统出了故障，您的操作未被执行，请稍后再试。"),
}
_NOT_PAGES = ("/v1", "/open311", "/codec", "/docs", "/openapi.json", "/healthz", "/metrics")


def wants_a_page(request: Request) -> bool:
    """A browser navigating (it accepts HTML) to a path that is not the API's."""
    path = request.url.path
    accepts_html = "text/html" in request.headers.get("accept", "")
    return accepts_html and not path.startswith(_NOT_PAGES)


async def error_page(request: Request, status: int) -> Response:
    context = request.app.state.context
    me = await signed_in(context.sessions, request.cookies.get(COOKIE))
    message = HTTP_WORDS.get(status, N_("无法显示这个页面。"))
    return page(request, "error.html", me, status, message=message)
