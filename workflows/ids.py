"""Deterministic workflow ids (docs/design.md): a ticket and the children it starts."""

from __future__ import annotations


def ticket_workflow_id(ticket_no: str) -> str:
    return f"ticket-{ticket_no}"


def joint_meeting_workflow_id(ticket_no: str, number: int) -> str:
    return f"ticket-{ticket_no}/joint-meeting-{number}"


def discipline_referral_workflow_id(ticket_no: str, number: int) -> str:
    return f"ticket-{ticket_no}/discipline-{number}"


CITIZEN_MESSAGE_WORKFLOW = "CitizenMessage"  # its workflow type


def citizen_message_workflow_id(message_id: str) -> str:
    """``message_id`` is ``ticket:kind:seq`` (schema.citizen_messages.message_id)."""
    ticket_no, kind, seq = message_id.rsplit(":", 2)
    return f"ticket-{ticket_no}/sms-{kind}-{seq}"


def knowledge_entry_workflow_id(entry_id: str) -> str:
    return f"knowledge-{entry_id}"
