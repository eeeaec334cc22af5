"""The staff workbench mounted on the API's application: its pages, static files, error
pages and security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from services.choices import catalogue_choices
from services.errors import refusal_of
from services.web_sessions import signed_in
from web import (
    admin_catalogue,
    admin_policy,
    admin_tree,
    admin_users,
    bell,
    board,
    bulk,
    desk,
    discipline_desk,
    escalation_history,
    hotspots,
    internal_notes,
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
from web.i18n import from_header, gettext_for
from web.security import PageSecurityHeaders
from web.sessions import COOKIE


def install(app: FastAPI) -> None:
    pages = (
        sign_in,
        bell,
        desk,
        search,
        topbar_search,
        bulk,
        ticket_print,
        internal_notes,
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

    @app.exception_handler(SignInNeeded)
    async def _sign_in_first(request: Request, _: SignInNeeded) -> Response:
        where = sign_in.sign_in_again(request)
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": where})
        return RedirectResponse(where, status_code=303)
