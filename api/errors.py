"""The error shape of docs/api.md: ``{"error": {"code", "message"}}`` with a fitting status."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.errors import Pending, Refusal, ServiceError, refusal_of


class ErrorDetail(BaseModel):
    code: str
    message: str
    reason: str | None = None  # a refusal's stable code, with its params (docs/api.md)
    params: dict[str, Any] | None = None


class ErrorBody(BaseModel):
    """Every error of the API: ``{"error": {"code", "message"}}``."""

    error: ErrorDetail


_ERROR_MEANINGS = {
    401: "no token, or a bad or expired one",
    403: "not allowed for this role or department",
    404: "no such ticket or record",
    409: "not allowed in the current state (the message says which state and what is allowed)",
    413: "request body too large",
    422: "bad input (the message names the field)",
    429: "too many failed sign-ins: try again later (the message says when)",
    431: "request headers too large",
    500: "an unexpected failure (the body carries the request id)",
    503: "Temporal or the database is unreachable, or the ticket did not answer in time",
}
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": ErrorBody, "description": meaning}
    for status, meaning in _ERROR_MEANINGS.items()
}
"""The error answers every /v1 operation may give, for the OpenAPI document."""


def _body(code: str, message: str, **extra: object) -> dict[str, object]:
    return {"error": {"code": code, "message": message, **extra}}


def _answer(refusal: Refusal) -> JSONResponse:
    extra: dict[str, object] = {"details": refusal.details} if refusal.details is not None else {}
    if refusal.reason is not None:  # the same refusal as a stable code (docs/api.md)
        extra.update(reason=refusal.reason, params=refusal.params or {})
    return JSONResponse(_body(refusal.code, refusal.message, **extra), status_code=refusal.status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def _refused(_: Request, exc: ServiceError) -> JSONResponse:
        return _answer(refusal_of(exc))

    @app.exception_handler(Pending)
    async def _pending(_: Request, exc: Pending) -> JSONResponse:
        return JSONResponse(exc.body, status_code=202, headers={"Location": exc.location})

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _answer(refusal_of(exc))

    async def _database(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, IntegrityError):  # a bug, not an outage
            raise exc
        return JSONResponse(
            _body(
                "database_unavailable",
                "the read model's database is unreachable; nothing was changed, retry shortly",
            ),
            status_code=503,
        )

    # asyncpg's refused connections arrive unwrapped, hence ConnectionError as well.
    # (Temporal's failures arrive as RPCError; the ticket gateway translates those.)
    app.add_exception_handler(DBAPIError, _database)
    app.add_exception_handler(ConnectionError, _database)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI's "error parsing the body", chained to what failed (bytes that are
            # not UTF-8, …): bad input like malformed JSON, so 422 naming the body.
            problem = f"not readable as JSON in UTF-8 ({exc.__cause__})"
            details = [{"field": "body", "problem": problem}]
            return JSONResponse(
                _body("invalid_input", f"body: {problem}", details=details), status_code=422
            )
        return JSONResponse(
            _body(f"http_{exc.status_code}", str(exc.detail)),
            status_code=exc.status_code,
            headers=exc.headers,
        )
