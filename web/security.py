"""Security headers for the workbench's pages: only this origin's scripts, styles and
images; never framed; no referrer leaves the site (a ticket number is in page URLs)."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# The API, its docs (Swagger UI runs inline scripts) and the codec server keep theirs.
_NOT_PAGES = (
    "/v1/",
    "/codec",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/static-offline-docs",
    "/open311",
)


class PageSecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_NOT_PAGES):
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = POLICY
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                # Nothing leaves the site; within it the Origin stays for the CSRF check
                # (with no-referrer a browser sends "Origin: null" on form posts).
                headers["Referrer-Policy"] = "same-origin"
                headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, with_headers)
