"""Prometheus metrics of the API: requests, latency, and tickets by status and level.

Each app has its own registry, so several apps in one process (tests) never clash.
``/metrics`` carries no personal data and needs no token; expose it to the scraper only.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import ContextDep
from schema.tables import Ticket


class ApiMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "hotline_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "hotline_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
        )
        self.tickets = Gauge(
            "hotline_tickets",
            "Tickets in the read model",
            ["status", "escalation_level"],
            registry=self.registry,
        )


class RequestMetrics:
    """Counts and times every HTTP request (pure ASGI middleware, like RequestContext)."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        finally:
            route = scope.get("route")  # set by the router once it has matched
            template = getattr(route, "path", "unmatched")  # the template, not the ticket number
            method = scope["method"]
            self.metrics.requests.labels(method, template, str(status)).inc()
            elapsed = time.perf_counter() - started
            self.metrics.latency.labels(method, template).observe(elapsed)


router = APIRouter(tags=["ops"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, context: ContextDep) -> Response:
    collected: ApiMetrics = request.app.state.metrics
    async with context.sessions() as session:
        counts = await session.execute(
            select(Ticket.status, Ticket.escalation_level, func.count()).group_by(
                Ticket.status, Ticket.escalation_level
            )
        )
        collected.tickets.clear()
        for status, level, count in counts:
            collected.tickets.labels(status, str(level)).set(count)
    return Response(generate_latest(collected.registry), media_type=CONTENT_TYPE_LATEST)
