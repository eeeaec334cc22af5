"""A citizen's SMS as the message log keeps it, for a test that sets one up the way the
gateway and its reports would have left it."""

from __future__ import annotations

from datetime import UTC, datetime

from schema.message_tables import StoredCitizenMessage

_SENT = frozenset({"sent", "accepted", "delivered"})


def message_row(
    ticket_no: str,
    kind: str,
    state: str,
    *,
    seq: int = 1,
    at: datetime | None = None,
    phone_lookup: str | None = None,
    gateway: str = "kannel",
    reason: str | None = None,
) -> StoredCitizenMessage:
    """Message ``ticket_no:kind:seq``, queued ``at`` (now) and sent then when its state
    says the gateway has it."""
    queued = at or datetime.now(UTC)
    return StoredCitizenMessage(
        id=f"{ticket_no}:{kind}:{seq}",
        ticket_no=ticket_no,
        kind=kind,
        seq=seq,
        phone_lookup=phone_lookup,
        state=state,
        reason=reason,
        text=None,
        gateway=gateway,
        attempts=1,
        created_at=queued,
        not_before=None,
        sent_at=queued if state in _SENT else None,
        reported_at=None,
    )
