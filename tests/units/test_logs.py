"""Log lines: phone numbers masked everywhere, the request id attached, JSON in production."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog
from temporalio import activity, workflow

from hotline.personal_data import mask_text
from hotline.request_context import REQUEST_ID


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("13812341234", "138****1234"),
        ("call +8613812341234 now", "call +86138****1234 now"),
        ("a=15900001111,b=18612345678", "a=159****1111,b=186****5678"),
        ("ticket 20261122-000001", "ticket 20261122-000001"),  # not a phone number
        ("138123412345", "138123412345"),  # twelve digits: not a mobile number
        ("12812341234", "12812341234"),  # no mobile prefix starts with 12
    ],
)
def test_mask_phone_numbers(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def lines(captured: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in captured.splitlines() if line.startswith("{")]


def test_structlog_and_stdlib_records_are_masked_json_with_the_request_id(
    json_logs: io.StringIO,
) -> None:
    token = REQUEST_ID.set("req-7")
    try:
        structlog.get_logger("t").info(
            "callback", phone="13812341234", detail={"numbers": ["13900001111"]}
        )
        logging.getLogger("temporalio.workflow").info(
            "citizen 13812341234 rated", extra={"ticket_no": "X-1"}
        )
    finally:
        REQUEST_ID.reset(token)
    first, second = lines(json_logs.getvalue())
    assert first["event"] == "callback" and first["phone"] == "138****1234"
    assert first["detail"] == {"numbers": ["139****1111"]}
    assert first["request_id"] == "req-7" and first["level"] == "info"
    assert second["event"] == "citizen 138****1234 rated"
    assert second["ticket_no"] == "X-1" and second["request_id"] == "req-7"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("ID 110101199003071234", "ID 110101********1234"),
        ("身份证11010119900307123X号", "身份证110101********123X号"),
        ("old card 110101900307123", "old card 110101******123"),
        ("office 0574-87654321", "office 0574-****4321"),
        ("(010)12345678", "(010)****5678"),
        ("mobile 139-0000-1111", "mobile 139****1111"),
        ("at 2026-11-22T02:21:03+08:00", "at 2026-11-22T02:21:03+08:00"),
    ],
)
def test_mask_id_card_and_landline_numbers(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_log_lines_carry_no_token_and_no_raw_control_character(json_logs: io.StringIO) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    structlog.get_logger("t").info("http request", path=f"/codec/t/{token}/decode\x1b[2J\x00")
    logging.getLogger("uvicorn.error").warning("POST /codec/t/%s/decode", token)
    first, second = lines(json_logs.getvalue())
    assert first["path"] == "/codec/t/[token]/decode\\x1b[2J\\x00"
    assert second["event"] == "POST /codec/t/[token]/decode"
    assert token not in json_logs.getvalue()


def test_temporal_loggers_keep_their_info_out_of_the_message(json_logs: io.StringIO) -> None:
    # Else every workflow line shows the workflow's info twice, and a '%' in an update id
    # (the caller's Idempotency-Key) breaks the line's formatting.
    assert workflow.logger.workflow_info_on_message is False
    assert activity.logger.activity_info_on_message is False
