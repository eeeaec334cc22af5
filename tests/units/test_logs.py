"""Log lines: phone numbers masked everywhere, the request id attached, JSON in production."""

from __future__ import annotations

import io
import json
import logging

import pytest
import structlog

from hotline.logs import mask_phone_numbers
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
    assert mask_phone_numbers(text) == masked


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
