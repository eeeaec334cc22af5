"""The staff workbench mounted on the API's application: its pages, static files, error
pages and security headers."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

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
    reports_page,
    search,
    sign_in,
    statistics_page,
    ticket_page,
    ticket_print,
)
from web.base import SignInNeeded, WebError, page
from web.security import PageSecurityHeaders
from web.sessions import COOKIE


def install(app: FastAPI) -> None:
    pages = (
        sign_in,
        bell,
        desk,
        search,
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
        me = await signed_in(request.app.state.context.sessions, request.cookies.get(COOKIE))
        return page(request, "error.html", me, problem.status, message=problem.message)

    @app.exception_handler(SignInNeeded)
    async def _sign_in_first(request: Request, _: SignInNeeded) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=401, headers={"HX-Redirect": "/sign-in"})
        return RedirectResponse("/sign-in", status_code=303)
