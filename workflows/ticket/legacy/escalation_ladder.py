"""Before the "escalation-ladder" patch: a missed step got one untiered supervision order.

With the patch, supervision orders have their own deadline and harden blue → orange →
red → leader (``workflows.ticket.ladder.supervise_missed_step``).
"""

from __future__ import annotations

from datetime import datetime

from schema.escalation import EscalationKind
from schema.ticket import TimelineAction
from workflows.ticket.deadlines import DueFn, due_after
from workflows.ticket.news import SUPERVISORS
from workflows.ticket.state import RUNG_LEVEL, Rung, StepClock, TicketState

PATCH = "escalation-ladder"


async def supervision_order(
    s: TicketState, now: datetime, actor: str, clock: StepClock, recipient: str, due: DueFn
) -> None:
    due_text = clock.due_at.isoformat()
    # The key names the recorded result: histories before the patch replay it.
    order_due = await due_after(due, "supervision", s.require_policy().supervision_order, now)
    s.other_deadlines["supervision"] = order_due
    s.raise_escalation(
        now,
        EscalationKind.SUPERVISION_ORDER,
        raised_by=actor,
        reason=f"{clock.step} still not done",
        department=s.lead_department,
        step=clock.step,
        due_at=order_due,
    )
    event = s.log(
        now,
        actor,
        TimelineAction.SUPERVISION_ORDER,
        step=clock.step,
        missed=due_text,
        due=order_due.isoformat(),
        level=RUNG_LEVEL[Rung.SUPERVISION],
    )
    message = (
        f"督办 Ticket {s.ticket_no}: {clock.step} still not done; supervision "
        f"order due {order_due.isoformat()}"
    )
    s.notify(event, recipient, message)
    s.notify(event, SUPERVISORS, message)
