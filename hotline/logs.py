"""Logging: one pipeline for structlog events and standard-library records alike.

Temporal's workflow and activity loggers are standard-library loggers; the project's
own code logs with structlog. Both pass the same processors — the request id and the
ticket of the current activity are added, phone numbers are masked — and render as
JSON in production or readably in a terminal (``HOTLINE_LOG_FORMAT``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from temporalio import activity

from hotline.request_context import REQUEST_ID
from hotline.settings import Settings

# Mainland mobile numbers, with or without +86 / 86: 13812341234 → 138****1234.
_PHONE = re.compile(r"(?<!\d)((?:\+?86)?1[3-9]\d)(\d{4})(\d{4})(?!\d)")


def mask_phone_numbers(text: str) -> str:
    return _PHONE.sub(r"\1****\3", text)


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask_phone_numbers(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_masked(item) for item in value)
    return value


def mask_personal_data(_: Any, __: str, event: MutableMapping[str, Any]) -> Any:
    """structlog processor: no phone number leaves the process in a log line."""
    return {key: _masked(value) for key, value in event.items()}


def add_request_context(_: Any, __: str, event: MutableMapping[str, Any]) -> Any:
    """The request id of the current request, and inside an activity its ticket."""
    request_id = REQUEST_ID.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    if activity.in_activity():
        info = activity.info()
        event.setdefault("workflow_id", info.workflow_id)
        event.setdefault("activity", info.activity_type)
        if info.workflow_id and info.workflow_id.startswith("ticket-"):
            event.setdefault("ticket_no", info.workflow_id.removeprefix("ticket-"))
    return event


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route every log record through one handler writing to ``stream`` (stderr)."""
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_request_context,
        mask_personal_data,
    ]
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.ExtraAdder(), *shared],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # one line per migration is noise
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # the API logs requests itself
