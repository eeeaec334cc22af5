"""Deterministic workflow ids (docs/design.md): a ticket and the children it starts."""

from __future__ import annotations


def ticket_workflow_id(ticket_no: str) -> str:
    return f"ticket-{ticket_no}"


def joint_meeting_workflow_id(ticket_no: str, number: int) -> str:
    return f"ticket-{ticket_no}/joint-meeting-{number}"


def discipline_referral_workflow_id(ticket_no: str, number: int) -> str:
    return f"ticket-{ticket_no}/discipline-{number}"
