"""The FastAPI application: validates, authorises, then talks to ticket workflows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from temporalio.client import Client

from api import metrics
from api.body_limit import BodySizeLimit
from api.codec_server import codec_app
from api.errors import ERROR_RESPONSES, install_error_handlers
from api.metrics import ApiMetrics
from api.request_logging import RequestObserver
from api.routes import (
    actions,
    attachments,
    auth,
    catalogue,
    categories,
    escalation_actions,
    escalations,
    knowledge,
    notifications,
    open311,
    reopening,
    reports,
    sms,
    stats,
    tickets,
)
from hotline import sealing
from hotline.blob_store import build_blob_store
from hotline.database import create_engine, session_factory
from hotline.settings import Settings
from schema.policy_file import read_policy
from services.account_gate import AccountGate
from services.context import AppContext
from services.ticket_gateway import TicketGateway
from web.workbench import install as install_workbench

ROUTERS = (
    auth.router,
    tickets.router,
    reopening.router,
    actions.router,
    escalation_actions.router,
    escalations.router,
    catalogue.router,
    categories.router,
    notifications.router,
    stats.router,
    reports.router,
    open311.router,
    sms.router,
    attachments.router,
    attachments.tickets_router,
    knowledge.router,
    metrics.router,
)


def create_app(settings: Settings | None = None, *, client: Client | None = None) -> FastAPI:
    settings = settings or Settings()
    keys = settings.resolved_encryption_keys()
    sealing.use_keys(keys)  # the read model's citizens

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.resolved_database_url())
        sessions = session_factory(engine)
        app.state.context = AppContext(
            settings=settings,
            policy=read_policy(settings.policy),
            jwt_secret=settings.resolved_jwt_secret(),
            engine=engine,
            sessions=sessions,
            tickets=TicketGateway(settings, client),
            accounts=AccountGate(sessions),
            files=build_blob_store(settings, keys),
        )
        try:
            yield
        finally:
            await engine.dispose()

    # The docs pages with their scripts and styles served from here, not a CDN: hotline
    # centres run on intranets.
    app = FastAPIOffline(
        title="12345 Hotline",
        version="0.1.0",
        description="Tickets of a 12345 government service hotline, each a durable "
        'Temporal workflow. Errors are `{"error": {"code", "message"}}`.',
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.metrics = ApiMetrics()
    app.add_middleware(RequestObserver, metrics=app.state.metrics)
    for router in ROUTERS:
        documented = ERROR_RESPONSES if router.prefix.startswith("/v1") else None
        app.include_router(router, responses=documented)
    install_workbench(app)  # the staff's pages, on the same services and rules
    app.mount("/codec", codec_app(settings))
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_request_bytes,
        # A step's files at their largest, and the form around them.
        max_upload_bytes=settings.attachment_max_bytes * settings.attachment_max_count
        + settings.max_request_bytes,
    )

    @app.get("/healthz", tags=["ops"])
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    return app
