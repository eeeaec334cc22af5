"""Intake bodies and ticket numbers."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from schema.ticket import TicketCreate

_counter = itertools.count(1)


def new_ticket_no() -> str:
    return f"T{next(_counter):04d}-{uuid.uuid4().hex[:8]}"


def intake_json(**overrides: Any) -> dict[str, Any]:
    """An intake body as an integrator sends it (overrides may be invalid on purpose)."""
    body: dict[str, Any] = {
        "channel": "phone",
        "type": "complaint",
        "category": "010101",
        "urgency": "general",
        "description": "stalls block the pavement at night",
        "district": "dinghai",
        "address": "Huannan Road 12",
        "citizen": {"name": "张三", "phone": "13812341234"},
    }
    body.update(overrides)
    return body


def intake(**overrides: Any) -> TicketCreate:
    return TicketCreate.model_validate(intake_json(**overrides))
