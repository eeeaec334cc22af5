"""A referral to the discipline commission (纪委监委): child ``ticket-<no>/discipline-<n>``.

The commission acknowledges within a deadline (missing it reminds the commission and
the supervisors) and records an outcome with the officials named. The ticket starts
it with parent-close policy ABANDON: the referral outlives a ticket that closes first,
and its outcome still reaches the ticket's history (``ticket_news``).
"""

from __future__ import annotations

from datetime import datetime

from temporalio import workflow

from schema.escalation import (
    DisciplineOutcome,
    DisciplineReferralStart,
    EscalationOutcome,
    ReferralAcknowledgeBody,
    ReferralOutcomeBody,
    ReferralView,
)
from schema.ticket import Actor, TimelineAction
from workflows.child_process import check_child_role
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket.news import DISCIPLINE_COMMISSION, SUPERVISORS, news, tell_ticket
from workflows.waiting import wait_until


@workflow.defn(name="DisciplineReferral")
class DisciplineReferralWorkflow:
    @workflow.init
    def __init__(self, start: DisciplineReferralStart) -> None:
        self.start = start
        self.acknowledged_at: datetime | None = None
        self.outcome: DisciplineOutcome | None = None
        self.officials: list[str] = []

    @workflow.run
    async def run(self, start: DisciplineReferralStart) -> ReferralView:
        self._shown()
        if not await wait_until(start.acknowledge_by, self._heard):
            await self._remind()
        await workflow.wait_condition(lambda: self.outcome is not None)
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._shown()

    @workflow.query
    def state(self) -> ReferralView:
        return self.view()

    @workflow.update
    async def acknowledge(self, actor: Actor, body: ReferralAcknowledgeBody) -> ReferralView:
        self.acknowledged_at = workflow.now()
        await tell_ticket(
            self.start.ticket_no,
            news(
                self.start.number,
                actor.describe(),
                TimelineAction.DISCIPLINE_REFERRAL_ACKNOWLEDGED,
                department=self.start.department,
                note=body.note,
            ),
        )
        return self._shown()

    @acknowledge.validator
    def validate_acknowledge(self, actor: Actor, body: ReferralAcknowledgeBody) -> None:
        check_child_role("discipline-acknowledge", actor)
        if self._heard():
            refuse(
                RefusalType.INVALID_STATE,
                f"referral {self.start.workflow_id} is acknowledged",
                Reason.REFERRAL_ACKNOWLEDGED,
            )

    @workflow.update
    async def record_outcome(self, actor: Actor, body: ReferralOutcomeBody) -> ReferralView:
        now = workflow.now()
        self.acknowledged_at = self.acknowledged_at or now
        self.outcome = body.outcome
        self.officials = list(body.officials)
        message = (
            f"纪委监委 on ticket {self.start.ticket_no}: {self.start.department} — "
            f"{body.outcome}" + (f" ({', '.join(body.officials)})" if body.officials else "")
        )
        await tell_ticket(
            self.start.ticket_no,
            news(
                self.start.number,
                actor.describe(),
                TimelineAction.DISCIPLINE_OUTCOME,
                outcome=EscalationOutcome(body.outcome.value),
                notices=[(self.start.department, message), (SUPERVISORS, message)],
                department=self.start.department,
                discipline_outcome=body.outcome,
                officials=body.officials,
                note=body.note,
            ),
        )
        return self._shown()

    @record_outcome.validator
    def validate_record_outcome(self, actor: Actor, body: ReferralOutcomeBody) -> None:
        check_child_role("discipline-outcome", actor)
        if self.outcome is not None:
            refuse(
                RefusalType.INVALID_STATE,
                f"referral {self.start.workflow_id} already has its outcome: {self.outcome}",
                Reason.OUTCOME_RECORDED,
                outcome=str(self.outcome),
            )

    # -- helpers -----------------------------------------------------------------

    async def _remind(self) -> None:
        due = self.start.acknowledge_by.isoformat()
        message = (
            f"纪委监委: the referral of {self.start.department} on ticket "
            f"{self.start.ticket_no} was not acknowledged by {due}"
        )
        await tell_ticket(
            self.start.ticket_no,
            news(
                self.start.number,
                "timer:discipline_acknowledge",
                TimelineAction.DISCIPLINE_REFERRAL_UNACKNOWLEDGED,
                notices=[(DISCIPLINE_COMMISSION, message), (SUPERVISORS, message)],
                due=due,
            ),
        )

    def _heard(self) -> bool:
        return self.acknowledged_at is not None or self.outcome is not None

    def view(self) -> ReferralView:
        s = self.start
        return ReferralView(
            workflow_id=s.workflow_id,
            ticket_no=s.ticket_no,
            department=s.department,
            reason=s.reason,
            acknowledge_by=s.acknowledge_by,
            acknowledged_at=self.acknowledged_at,
            outcome=self.outcome,
            officials=list(self.officials),
        )

    def _shown(self) -> ReferralView:
        """The view, after telling the Temporal UI where the referral stands (its current
        details: not in history, no personal data)."""
        workflow.set_current_details(self._details())
        return self.view()

    def _details(self) -> str:
        if self.outcome is not None:
            return "移送纪委监委 · 已记录处理结果"
        if self.acknowledged_at is not None:
            return "移送纪委监委 · 已确认收到，待处理结果"
        return "移送纪委监委 · 待确认收到"
