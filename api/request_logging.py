"""Per-request context, one log event and the metrics of every HTTP request."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.body_limit import refuse
from api.metrics import ApiMetrics
from hotline.request_context import REQUEST_ID

log = structlog.get_logger("hotline.api")

_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_TOKEN_IN_PATH = re.compile(r"(/codec/t/)[^/]+")


class RequestObserver:
    """Take the caller's X-Request-ID (or make one), carry it to Temporal, log the request
    and count it in the metrics.

    Pure ASGI middleware: unlike ``@app.middleware("http")`` it starts no extra task and
    streams no response through a queue, which cost every request a noticeable share."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = Headers(scope=scope).get("x-request-id", "")
        request_id = offered if _ACCEPTABLE_ID.match(offered) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500  # unless the app answers
        started_response = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status = message["status"]
                started_response = True
                headers = MutableHeaders(scope=message)
                headers["X-Request-ID"] = request_id
                # An action's id (services.actions.identify_action) goes with every
                # answer to it: done, refused or still pending.
                action_id = scope.get("state", {}).get("action_id")
                if action_id is not None:
                    headers["Idempotency-Key"] = action_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            # A bug: logged with its traceback, answered in the documented shape with the
            # request id to quote, and not re-raised (the server would reset the connection).
            log.exception("unexpected failure", method=scope["method"], path=scope["path"])
            if status == 500 and not started_response:
                await refuse(
                    send_with_id,
                    500,
                    "internal_error",
                    "an unexpected failure on the server; whether the request took effect "
                    "is not known: read the resource before retrying, or retry with the same "
                    "Idempotency-Key. Quote the request id when you report it",
                    request_id=request_id,
                )
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(scope, status, elapsed)
            log.info(
                "http request",
                method=scope["method"],
                path=_TOKEN_IN_PATH.sub(r"\1…", scope["path"]),  # never log a codec URL's token
                status=status,
                duration_ms=round(elapsed * 1000, 1),
            )
            REQUEST_ID.reset(token)
