"""Logging: one pipeline for structlog events and standard-library records alike.

Temporal's workflow and activity loggers are standard-library loggers; the project's
own code logs with structlog. Both pass the same processors — the request id and the
ticket of the current activity are added, personal numbers and tokens are masked — and render as
JSON in production or readably in a terminal (``HOTLINE_LOG_FORMAT``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from temporalio import activity, workflow

from hotline.personal_data import mask_text
from hotline.request_context import REQUEST_ID
from hotline.settings import Settings

# Credentials never reach a log line: JSON Web Tokens (a codec URL's, a header echoed in
# an error) are replaced whole.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# Control characters (terminal escapes, NUL) from a request are shown, not obeyed.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_log_text(text: str) -> str:
    """No personal number, no token, no raw control character."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return mask_text(_JWT.sub("[token]", text))


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return clean_log_text(value)
    if isinstance(value, dict):
        return {key: _masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_masked(item) for item in value)
    return value


def mask_personal_data(_: Any, __: str, event: MutableMapping[str, Any]) -> Any:
    """structlog processor: no phone or ID number, token or control character leaves the
    process in a log line (nor uvicorn's terminal-coloured copy of its message)."""
    return {key: _masked(value) for key, value in event.items() if key != "color_message"}


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
    # httpx logs every request's URL: the SMS gateway's carries its password and a number.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Temporal's loggers also put the workflow's or activity's info into the message text:
    # twice with the structured extra, and a '%' in an update id broke the formatting.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
