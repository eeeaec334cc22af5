"""The worker process (``hotline worker``): connect, make sure the search attributes and the
report schedules exist, then run the worker that ``worker.py`` builds."""

from __future__ import annotations

import structlog

from hotline.database import create_engine, session_factory
from hotline.settings import Settings
from hotline.temporal import connect, ensure_search_attributes, wait_for_namespace
from schema.policy_file import read_policy
from startup.schedules import ensure_schedules
from worker import build_worker

log = structlog.get_logger(__name__)


async def run_worker(settings: Settings) -> None:
    client = await connect(settings, serve_metrics=True)
    await wait_for_namespace(client, settings.temporal_namespace)
    await ensure_search_attributes(client, settings.temporal_namespace)
    await ensure_schedules(
        client, task_queue=settings.task_queue, timezone=read_policy(settings.policy).timezone
    )
    engine = create_engine(settings.resolved_database_url())
    try:
        worker = build_worker(client, settings, session_factory(engine))
        log.info(
            "worker started", task_queue=settings.task_queue, temporal=settings.temporal_address
        )
        await worker.run()
    finally:
        await engine.dispose()
