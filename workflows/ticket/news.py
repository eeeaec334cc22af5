"""How a joint meeting or a discipline referral tells its ticket what happened.

The ticket is the one writer of its timeline and escalation history, so a child sends
news as a signal (to the ticket's id, whichever run is current after continue-as-new).
A referral outlives its ticket: once the ticket has closed, the signal is refused and
the news goes straight into the read model instead, so an outcome is never lost.
"""

from __future__ import annotations

from typing import Any

from temporalio import workflow

from schema.escalation import EscalationNews, EscalationOutcome, LateEscalationNews, NewsNotice
from schema.ticket import TimelineAction
from workflows import activity_calls as calls
from workflows.ids import ticket_workflow_id

ESCALATION_NEWS_SIGNAL = "escalation_news"
ASSIGN_LEADER_SIGNAL = "assign_leader"  # from the dispatch meeting's report workflow
ABSORB_DUPLICATE_UPDATE = "absorb_duplicate"  # a duplicate asks to be merged into the ticket
CENTRE = "centre"  # the hotline centre's own inbox
SUPERVISORS = "supervisors"
DISCIPLINE_COMMISSION = "discipline"  # the commission's inbox
POLICE_110 = "110"  # the 110 police line, through its integration


def news(
    number: int,
    actor: str,
    action: TimelineAction,
    *,
    outcome: EscalationOutcome | None = None,
    notices: list[tuple[str, str]] | None = None,
    **detail: Any,
) -> EscalationNews:
    return EscalationNews(
        escalation_number=number,
        actor=actor,
        action=action,
        detail=detail,
        outcome=outcome,
        notices=[NewsNotice(recipient=r, message=m) for r, m in notices or []],
        at=workflow.now(),
    )


async def tell_ticket(ticket_no: str, update: EscalationNews) -> None:
    ticket = workflow.get_external_workflow_handle(ticket_workflow_id(ticket_no))
    try:
        await ticket.signal(ESCALATION_NEWS_SIGNAL, update)
    except Exception as refused:  # the ticket has completed: record the news directly
        workflow.logger.info("ticket %s closed; recording %s directly", ticket_no, refused)
        await calls.record_late_escalation_news(
            LateEscalationNews(ticket_no=ticket_no, news=update)
        )
