"""Rows for the migration tests, as a read model of an older revision stored them."""

from __future__ import annotations

from datetime import UTC, datetime


def ticket_row(no: str, status: str, codes: str, document: dict[str, object]) -> dict[str, object]:
    lead = codes.strip(",").split(",")[0] or None
    now = datetime(2026, 11, 30, tzinfo=UTC)
    return {
        "ticket_no": no,
        "version": 1,
        "status": status,
        "type": "complaint",
        "category": "street-vendors",
        "urgency": "general",
        "district": "dinghai",
        "lead_department": lead,
        "department_codes": codes,
        "overdue": status == "handling",
        "escalation_level": 0,
        "rework_count": 0,
        "created_at": now,
        "updated_at": now,
        "document": {"ticket_no": no, **document},
    }
