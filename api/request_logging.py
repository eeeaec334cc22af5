"""Per-request context and one log event per HTTP request."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import Request, Response

from hotline.request_context import REQUEST_ID

log = structlog.get_logger("hotline.api")

_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_TOKEN_IN_PATH = re.compile(r"(/codec/t/)[^/]+")


async def request_context_middleware(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Take the caller's X-Request-ID (or make one), carry it to Temporal, log the request."""
    offered = request.headers.get("x-request-id", "")
    request_id = offered if _ACCEPTABLE_ID.match(offered) else uuid.uuid4().hex
    token = REQUEST_ID.set(request_id)
    started = time.perf_counter()
    try:
        response = await call_next(request)
        response.headers["X-Request-ID"] = request_id
        log.info(
            "http request",
            method=request.method,
            path=_TOKEN_IN_PATH.sub(r"\1…", request.url.path),  # never log a codec URL's token
            status=response.status_code,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return response
    finally:
        REQUEST_ID.reset(token)
