"""Every HTTP request gets an id, one log line and its metrics — a crash included."""

from __future__ import annotations

import io
import json

import httpx
from fastapi import FastAPI
from prometheus_client import generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.metrics import ApiMetrics
from api.request_logging import RequestObserver
from hotline.request_context import REQUEST_ID


async def _echo_request_id(request: Request) -> PlainTextResponse:
    return PlainTextResponse(REQUEST_ID.get() or "")


async def _crash(request: Request) -> PlainTextResponse:
    raise RuntimeError("boom")


def _client(metrics: ApiMetrics) -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/echo", _echo_request_id), Route("/crash", _crash)])
    observed = RequestObserver(app, metrics=metrics)
    transport = httpx.ASGITransport(app=observed, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://hotline.test")


async def test_the_request_id_is_taken_carried_and_echoed(json_logs: io.StringIO) -> None:
    async with _client(ApiMetrics()) as http:
        given = await http.get("/echo", headers={"X-Request-ID": "call-42"})
        refused = await http.get("/echo", headers={"X-Request-ID": "bad id; drop table"})
    assert given.text == "call-42" and given.headers["X-Request-ID"] == "call-42"
    made = refused.headers["X-Request-ID"]
    assert refused.text == made and len(made) == 32 and made != "bad id; drop table"
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    requests = [line for line in lines if line.get("event") == "http request"]
    assert [(r["path"], r["status"], r["request_id"]) for r in requests] == [
        ("/echo", 200, "call-42"),
        ("/echo", 200, made),
    ]
    assert REQUEST_ID.get() is None  # reset after each request


async def test_a_crash_is_logged_and_counted_as_500(json_logs: io.StringIO) -> None:
    metrics = ApiMetrics()
    async with _client(metrics) as http:
        answer = await http.get("/crash", headers={"X-Request-ID": "crash-1"})
    assert answer.status_code == 500
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert any(line.get("event") == "http request" and line["status"] == 500 for line in lines)
    failure = next(line for line in lines if line.get("event") == "unexpected failure")
    assert "RuntimeError: boom" in failure["exception"] and failure["request_id"] == "crash-1"
    scraped = generate_latest(metrics.registry).decode()
    assert 'hotline_http_requests_total{method="GET",route="/crash",status="500"} 1.0' in scraped


async def test_an_unexpected_failure_answers_in_the_error_shape_and_the_connection_lives(
    json_logs: io.StringIO,
) -> None:
    """In the real app the observer sits inside Starlette's error middleware: it answers a
    crash itself, in JSON with the request id, and nothing is re-raised to the server."""
    app = FastAPI()
    app.add_middleware(RequestObserver, metrics=ApiMetrics())

    @app.get("/crash")
    async def crash() -> None:
        raise RuntimeError("boom")

    @app.get("/fine")
    async def fine() -> dict[str, bool]:
        return {"fine": True}

    transport = httpx.ASGITransport(app=app)  # an exception reaching the server would raise
    async with httpx.AsyncClient(transport=transport, base_url="http://hotline.test") as http:
        answer = await http.get("/crash", headers={"X-Request-ID": "crash-2"})
        after = await http.get("/fine")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == "application/json"
    error = answer.json()["error"]
    assert error["code"] == "internal_error" and error["request_id"] == "crash-2"
    assert "boom" not in answer.text  # the cause is in the log, not in the answer
    assert after.status_code == 200
