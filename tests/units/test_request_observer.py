"""Every HTTP request gets an id, one log line and its metrics — a crash included."""

from __future__ import annotations

import io
import json

import httpx
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
        answer = await http.get("/crash")
    assert answer.status_code == 500
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines()]
    assert any(line.get("event") == "http request" and line["status"] == 500 for line in lines)
    scraped = generate_latest(metrics.registry).decode()
    assert 'hotline_http_requests_total{method="GET",route="/crash",status="500"} 1.0' in scraped
