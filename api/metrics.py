"""Prometheus metrics of the API: requests, latency, and tickets by status and level.

Each app has its own registry, so several apps in one process (tests) never clash.
``/metrics`` carries no personal data and needs no token; expose it to the scraper only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import Scope

from api.deps import ContextDep
from services.ticket_census import tickets_by_status_and_level


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

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        """One answered HTTP request, by the route's template (never the ticket number)."""
        template = getattr(scope.get("route"), "path", "unmatched")  # set by the router
        self.requests.labels(scope["method"], template, str(status)).inc()
        self.latency.labels(scope["method"], template).observe(seconds)


router = APIRouter(tags=["ops"])


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, context: ContextDep) -> Response:
    collected: ApiMetrics = request.app.state.metrics
    counts = await tickets_by_status_and_level(context)
    collected.tickets.clear()
    for (status, level), count in counts.items():
        collected.tickets.labels(status, str(level)).set(count)
    return Response(generate_latest(collected.registry), media_type=CONTENT_TYPE_LATEST)
