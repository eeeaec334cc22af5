"""What a ticket's state shows: the ticket's view (the ``state`` query, every update's
answer, the API) and the read model's record of it (each publication)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from schema.activity_io import TicketRecord
from schema.ticket import AssistingPart, TicketView
from workflows.ticket.state.clocks import (
    deadline_warnings,
    deadlines,
    supervision_tier,
    under_priority_supervision,
)

if TYPE_CHECKING:
    from workflows.ticket.state import TicketState


def view(s: TicketState) -> TicketView:
    intake = s.intake
    return TicketView(
        ticket_no=s.ticket_no,
        status=s.status,
        type=intake.type,
        channel=intake.channel,
        category=intake.category,
        urgency=intake.urgency,
        district=intake.district,
        address=intake.address,
        lat=intake.lat,
        long=intake.long,
        description=intake.description,
        enterprise=intake.enterprise,
        police_incident_no=intake.police_incident_no,
        reopens=s.reopened.ticket_no if s.reopened else None,
        parts=[
            *(
                AssistingPart(department=code, due_at=clock.due_at)
                for code, clock in s.part_clocks.items()
            ),
            *s.parts_given.values(),
            *s.parts_unanswered.values(),
        ],
        delegations=[d.model_copy() for d in s.delegations],
        finished_delegations=[d.model_copy() for d in s.finished_delegations],
        passed_to=list(s.passed_to),
        citizen=intake.citizen,
        lead_department=s.lead_department,
        assisting_departments=list(s.assisting_departments),
        deadlines=deadlines(s),
        deadline_warnings=deadline_warnings(s),
        deadline_rules={c.step.value: c.rule for c in s.clocks.values() if c.rule},
        priority_supervision=under_priority_supervision(s),
        overdue=s.overdue,
        escalation_level=s.escalation_level,
        supervision_tier=supervision_tier(s),
        open_escalations=s.open_escalations(),
        rework_count=s.rework_count,
        return_count=s.return_count,
        suspended_since=s.suspended_since,
        suspended_seconds=s.suspended_seconds,
        suspension_count=s.suspension_count,
        handed_back_by_110=s.handed_back_by_110,
        rating=s.rating,
        pending_review=s.pending_review,
        excluded_from_score=s.excluded_from_score,
        closure_reason=s.closure_reason,
        merged_into=s.merged_into,
        created_at=s.created_at,
        updated_at=s.updated_at,
        closed_at=s.closed_at,
    )


def record(s: TicketState) -> TicketRecord:
    return TicketRecord(
        **view(s).model_dump(),
        version=s.next_seq - 1,
        dispatched_at=s.dispatched_at,
        signed_at=s.signed_at,
        replied_at=s.replied_at,
        reply_outcome=s.reply_outcome,
        missed_deadlines=s.missed_deadlines,
    )
