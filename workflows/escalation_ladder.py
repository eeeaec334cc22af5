"""Rungs 3–6 of the ticket's escalation ladder (督办 → 领导督办 → 联席会议 → 纪委监委).

A mixin of the ticket workflow: the supervision order that hardens blue → orange →
red, leader supervision, the joint meeting and the discipline referral as child
workflows, and what the ticket does with its children's news. Rungs 1–2 (warning,
reminder) and the timers that climb are in ``workflows.ticket``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow

from schema.activity_io import DueItem
from schema.escalation import (
    DisciplineReferralStart,
    Escalation,
    EscalationKind,
    EscalationNews,
    EscalationOutcome,
    JointMeetingStart,
    MeetingDecisionBody,
    SupervisionTier,
)
from schema.ticket import TicketStatus, TimelineAction
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.ids import discipline_referral_workflow_id, joint_meeting_workflow_id
from workflows.joint_meeting import JointMeetingWorkflow
from workflows.ticket_news import CENTRE, DISCIPLINE_COMMISSION, SUPERVISORS
from workflows.ticket_state import Step, StepClock, TicketState


class EscalationLadder:
    """What the ticket workflow needs for the ladder, and the ladder itself."""

    ticket: TicketState

    async def _due_instants(self, items: list[DueItem]) -> dict[str, datetime]:
        raise NotImplementedError  # the ticket workflow computes them in an activity

    async def _due_after(self, key: str, span: str, start: datetime) -> datetime:
        raise NotImplementedError  # the ticket workflow's one-instant shorthand

    async def _dispatch(
        self,
        now: datetime,
        actor: str,
        lead: str,
        assisting: list[str],
        note: str | None,
        **detail: Any,
    ) -> None:
        raise NotImplementedError  # the ticket workflow's 派单

    async def _raise_order(
        self,
        now: datetime,
        actor: str,
        reason: str,
        step: Step | None = None,
        due: datetime | None = None,
        leader: str | None = None,
        missed: bool = False,
    ) -> None:
        """Issue a supervision order, or reissue the open one a tier harder; past red, a leader.
        ``missed``: because a deadline passed (not a supervisor's choice), so it is overdue."""
        s = self.ticket
        standing = s.open_escalations(EscalationKind.SUPERVISION_ORDER)
        tier: SupervisionTier | None = SupervisionTier.BLUE
        if standing:  # an untiered order (issued before the tiered ladder) counts as blue
            tier = (standing[-1].tier or SupervisionTier.BLUE).harder()
        s.end_open_escalations(
            now, EscalationOutcome.ESCALATED, actor, [EscalationKind.SUPERVISION_ORDER]
        )
        if tier is None:
            await self._raise_leader_supervision(
                now, actor, reason, due=due, leader=leader, missed=missed
            )
            return
        if due is None:
            due = await self._due_after("order", s.require_policy().supervision_order, now)
        s.clocks[Step.SUPERVISION] = StepClock(
            step=Step.SUPERVISION, started_at=now, due_at=due, follows_missed_deadline=missed
        )
        record = s.raise_escalation(
            now,
            EscalationKind.SUPERVISION_ORDER,
            raised_by=actor,
            reason=reason,
            department=s.lead_department,
            step=step,
            tier=tier,
            due_at=due,
        )
        event = s.log(
            now,
            actor,
            TimelineAction.SUPERVISION_ORDER,
            step=step,
            tier=tier,
            due=due.isoformat(),
            level=record.level,
            escalation=record.number,
            reason=reason,
        )
        message = (
            f"督办 ({tier}) Ticket {s.ticket_no}: {reason}; supervision order due {due.isoformat()}"
        )
        s.notify(event, s.lead_department or CENTRE, message)
        s.notify(event, SUPERVISORS, message)

    async def _raise_leader_supervision(
        self,
        now: datetime,
        actor: str,
        reason: str,
        due: datetime | None,
        leader: str | None,
        missed: bool = False,
    ) -> None:
        """领导督办: the ticket goes on the next dispatch meeting's list under a named leader;
        any supervision order still standing ends, escalated."""
        s = self.ticket
        ladder = s.require_policy().escalation
        if due is None:
            due = await self._due_after("leader", ladder.leader_supervision, now)
        leader = leader or ladder.leader_for(s.lead_department)
        s.end_open_escalations(
            now, EscalationOutcome.ESCALATED, actor, [EscalationKind.SUPERVISION_ORDER]
        )
        s.clocks.pop(Step.SUPERVISION, None)
        s.clocks[Step.LEADER] = StepClock(
            step=Step.LEADER, started_at=now, due_at=due, follows_missed_deadline=missed
        )
        record = s.raise_escalation(
            now,
            EscalationKind.LEADER_SUPERVISION,
            raised_by=actor,
            reason=reason,
            department=s.lead_department,
            due_at=due,
            leader=leader,
            dispatch_meeting="next",
        )
        event = s.log(
            now,
            actor,
            TimelineAction.LEADER_SUPERVISION,
            leader=leader,
            lead=s.lead_department,
            due=due.isoformat(),
            level=record.level,
            escalation=record.number,
            reason=reason,
        )
        message = (
            f"领导督办 Ticket {s.ticket_no}: under {leader}; {s.lead_department} leads, "
            f"due {due.isoformat()}; on the next dispatch meeting's list"
        )
        s.notify(event, s.lead_department or CENTRE, message)
        s.notify(event, SUPERVISORS, message)

    async def _ladder_deadline_missed(self, now: datetime, actor: str, clock: StepClock) -> None:
        s = self.ticket
        s.clocks.pop(clock.step, None)
        s.missed_deadlines += 1
        if clock.step is Step.SUPERVISION:
            tier = s.supervision_tier or SupervisionTier.BLUE
            reason = f"the {tier} supervision order's deadline passed"
            await self._raise_order(now, actor, reason, missed=True)
            return
        s.end_open_escalations(
            now, EscalationOutcome.ESCALATED, actor, [EscalationKind.LEADER_SUPERVISION]
        )
        event = s.log(
            now, actor, TimelineAction.LEADER_SUPERVISION_MISSED, due=clock.due_at.isoformat()
        )
        if s.require_policy().escalation.convene_meeting_automatically:
            departments = [code for code in [s.lead_department, *s.assisting_departments] if code]
            await self._convene_meeting(
                now,
                actor,
                departments,
                f"the leader's deadline ({clock.due_at.isoformat()}) passed: decide the lead "
                "unit and the plan",
            )
        else:
            s.notify(event, SUPERVISORS, f"Ticket {s.ticket_no}: the leader's deadline passed")

    async def _convene_meeting(
        self, now: datetime, actor: str, departments: list[str], agenda: str
    ) -> None:
        """联席会议 / 吹哨报到 as a child workflow; it reports back through ``escalation_news``."""
        s = self.ticket
        ladder = s.require_policy().escalation
        due = await self._due_instants(
            [
                DueItem(key="report_in", span=ladder.report_in, start=now),
                DueItem(key="decision", span=ladder.meeting_decision, start=now),
            ]
        )
        meeting_id = joint_meeting_workflow_id(
            s.ticket_no, s.count_escalations(EscalationKind.JOINT_MEETING) + 1
        )
        record = s.raise_escalation(
            now,
            EscalationKind.JOINT_MEETING,
            raised_by=actor,
            reason=agenda,
            department=s.lead_department,
            due_at=due["decision"],
            workflow_id=meeting_id,
            departments=departments,
            report_in_by=due["report_in"].isoformat(),
        )
        await workflow.start_child_workflow(
            JointMeetingWorkflow.run,
            JointMeetingStart(
                ticket_no=s.ticket_no,
                number=record.number,
                workflow_id=meeting_id,
                departments=departments,
                agenda=agenda,
                convened_by=actor,
                report_in_by=due["report_in"],
                decide_by=due["decision"],
            ),
            id=meeting_id,
            # Closing the ticket cancels it explicitly (``_close``); continue-as-new must not.
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )
        event = s.log(
            now,
            actor,
            TimelineAction.JOINT_MEETING_CONVENED,
            meeting=meeting_id,
            departments=departments,
            agenda=agenda,
            report_in_by=due["report_in"].isoformat(),
            decide_by=due["decision"].isoformat(),
            level=record.level,
            escalation=record.number,
        )
        for code in departments:
            s.notify(
                event,
                code,
                f"吹哨报到 Ticket {s.ticket_no}: you are summoned to a joint meeting; report in "
                f"by {due['report_in'].isoformat()}. Agenda: {agenda}",
            )
        s.notify(event, SUPERVISORS, f"Joint meeting {meeting_id} convened: {agenda}")

    async def _meeting_deadline_missed(self, now: datetime, actor: str, clock: StepClock) -> None:
        """The lead missed the deadline a joint meeting set: the commission, if the policy says."""
        s = self.ticket
        lead = s.lead_department or ""
        already = any(
            r.department == lead for r in s.open_escalations(EscalationKind.DISCIPLINE_REFERRAL)
        )
        if already or not s.require_policy().escalation.refer_to_discipline_automatically:
            return
        await self._refer(
            now,
            actor,
            lead,
            f"{lead} missed the {clock.step} deadline ({clock.due_at.isoformat()}) set by "
            f"{self._meeting_id(clock.set_by_meeting)}",
        )

    def _meeting_id(self, number: int | None) -> str:
        record = self.ticket.escalation(number) if number else None
        return (record.workflow_id if record else None) or "a joint meeting"

    async def _refer(self, now: datetime, actor: str, department: str, reason: str) -> None:
        """纪委监委 referral as a child workflow that outlives the ticket if need be."""
        s = self.ticket
        due = await self._due_after(
            "ack", s.require_policy().escalation.discipline_acknowledge, now
        )
        referral_id = discipline_referral_workflow_id(
            s.ticket_no, s.count_escalations(EscalationKind.DISCIPLINE_REFERRAL) + 1
        )
        record = s.raise_escalation(
            now,
            EscalationKind.DISCIPLINE_REFERRAL,
            raised_by=actor,
            reason=reason,
            department=department,
            due_at=due,
            workflow_id=referral_id,
        )
        await workflow.start_child_workflow(
            DisciplineReferralWorkflow.run,
            DisciplineReferralStart(
                ticket_no=s.ticket_no,
                number=record.number,
                workflow_id=referral_id,
                department=department,
                reason=reason,
                referred_by=actor,
                acknowledge_by=due,
            ),
            id=referral_id,
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
        )
        event = s.log(
            now,
            actor,
            TimelineAction.DISCIPLINE_REFERRAL,
            referral=referral_id,
            department=department,
            reason=reason,
            acknowledge_by=due.isoformat(),
            level=record.level,
            escalation=record.number,
        )
        message = f"纪委监委 Ticket {s.ticket_no}: {department} referred: {reason}"
        s.notify(event, DISCIPLINE_COMMISSION, message)
        s.notify(event, SUPERVISORS, message)
        s.notify(event, department, message)

    async def _take_news(self, now: datetime, news: EscalationNews) -> None:
        """Record what a child reports; a meeting's decision re-dispatches the ticket."""
        s = self.ticket
        record = s.escalation(news.escalation_number)
        event = s.log(
            now, news.actor, news.action, escalation=news.escalation_number, **news.detail
        )
        for notice in news.notices:
            s.notify(event, notice.recipient, notice.message)
        for code in news.absent:
            missed = s.raise_escalation(
                now,
                EscalationKind.MISSED_REPORT_IN,
                raised_by=news.actor,
                reason=f"did not report in to {self._meeting_id(news.escalation_number)}",
                department=code,
                meeting=record.workflow_id if record else None,
            )
            s.end_escalation(missed, now, EscalationOutcome.MISSED, news.actor)
        if record is None or news.outcome is None or not record.is_open:
            return
        s.end_escalation(record, now, news.outcome, news.actor, **news.detail)
        if s.status is TicketStatus.CLOSED:
            return
        if news.decision is not None:
            await self._dispatch_by_meeting(now, news.actor, record, news.decision)
        elif (
            news.outcome is EscalationOutcome.NO_DECISION
            and s.lead_department
            and s.require_policy().escalation.refer_to_discipline_automatically
        ):
            absent = ", ".join(news.detail.get("absent", [])) or "none"
            await self._refer(
                now,
                news.actor,
                s.lead_department,
                f"{record.workflow_id} reached no decision by "
                f"{news.detail.get('due')}; absent: {absent}",
            )

    async def _dispatch_by_meeting(
        self, now: datetime, actor: str, meeting: Escalation, decision: MeetingDecisionBody
    ) -> None:
        """The meeting named the lead: re-dispatch with fresh clocks; missing them may refer."""
        s = self.ticket
        s.pending_review = None
        s.pending_extension = None
        await self._dispatch(
            now,
            actor,
            decision.lead,
            decision.assisting,
            note=decision.plan,
            joint_meeting=meeting.workflow_id,
        )
        s.clocks[Step.REPLY].set_by_meeting = meeting.number
