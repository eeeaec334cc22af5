"""The joint meeting (联席会议 / 吹哨报到): child ``ticket-<no>/joint-meeting-<n>`` of its ticket.

The summoned departments report in (报到) by a deadline; those that do not are named
to the ticket, which records and reminds them and counts it against them. A
supervisor's decision (lead, assisting, plan) goes back to the ticket, which
re-dispatches. No decision by the deadline: the ticket escalates. Closing the ticket
cancels the meeting, which then simply ends.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from temporalio import workflow

from schema.escalation import (
    EscalationOutcome,
    JointMeetingStart,
    JointMeetingView,
    MeetingDecisionBody,
    MeetingReportBody,
)
from schema.ticket import Actor, TimelineAction
from workflows.child_process import check_child_role
from workflows.refusals import Reason, RefusalType, refuse
from workflows.ticket.news import SUPERVISORS, news, tell_ticket
from workflows.waiting import wait_until


@workflow.defn(name="JointMeeting")
class JointMeetingWorkflow:
    @workflow.init
    def __init__(self, start: JointMeetingStart) -> None:
        self.start = start
        self.reported: dict[str, datetime] = {}
        self.absent: list[str] = []
        self.decision: MeetingDecisionBody | None = None
        self.outcome = EscalationOutcome.OPEN

    @workflow.run
    async def run(self, start: JointMeetingStart) -> JointMeetingView:
        self._shown()
        try:
            everyone_in = await wait_until(
                start.report_in_by, lambda: self._all_reported() or self.decision is not None
            )
            if not everyone_in and self.decision is None:
                await self._name_the_absent()
                self._shown()
            if not await wait_until(start.decide_by, lambda: self.decision is not None):
                await self._undecided()
        except asyncio.CancelledError:  # the ticket closed: the meeting is moot
            self.outcome = EscalationOutcome.CANCELLED
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._shown()

    @workflow.query
    def state(self) -> JointMeetingView:
        return self.view()

    # -- updates ---------------------------------------------------------------

    @workflow.update
    async def report_in(self, actor: Actor, body: MeetingReportBody) -> JointMeetingView:
        department = actor.department or ""
        now = workflow.now()
        self.reported[department] = now
        late = now > self.start.report_in_by
        await tell_ticket(
            self.start.ticket_no,
            news(
                self.start.number,
                actor.describe(),
                TimelineAction.JOINT_MEETING_REPORT_IN,
                department=department,
                note=body.note,
                late=late,
            ),
        )
        return self._shown()

    @report_in.validator
    def validate_report_in(self, actor: Actor, body: MeetingReportBody) -> None:
        check_child_role("joint-meeting-report", actor)
        if actor.department not in self.start.departments:
            refuse(
                RefusalType.FORBIDDEN,
                f"department '{actor.department}' was not summoned to this meeting "
                f"(summoned: {', '.join(self.start.departments)})",
                Reason.NOT_SUMMONED,
                department=actor.department or "",
            )
        self._check_open("report in")
        if actor.department in self.reported:
            refuse(
                RefusalType.INVALID_STATE,
                f"'{actor.department}' has already reported in",
                Reason.REPORTED_ALREADY,
                department=actor.department or "",
            )

    @workflow.update
    async def decide(self, actor: Actor, body: MeetingDecisionBody) -> JointMeetingView:
        self.decision = body
        self.outcome = EscalationOutcome.DECIDED
        update = news(
            self.start.number,
            actor.describe(),
            TimelineAction.JOINT_MEETING_DECIDED,
            outcome=EscalationOutcome.DECIDED,
            lead=body.lead,
            assisting=body.assisting,
            plan=body.plan,
            reported=sorted(self.reported),
            absent=self.absent,
        )
        update.decision = body
        await tell_ticket(self.start.ticket_no, update)
        return self._shown()

    @decide.validator
    def validate_decide(self, actor: Actor, body: MeetingDecisionBody) -> None:
        check_child_role("joint-meeting-decision", actor)
        self._check_open("decide")

    # -- the deadlines ---------------------------------------------------------

    async def _name_the_absent(self) -> None:
        self.absent = [d for d in self.start.departments if d not in self.reported]
        due = self.start.report_in_by.isoformat()
        message = (
            f"吹哨报到 ticket {self.start.ticket_no}: you were summoned to "
            f"{self.start.workflow_id} and did not report in by {due}; report in now"
        )
        update = news(
            self.start.number,
            "timer:joint_meeting_report_in",
            TimelineAction.JOINT_MEETING_ABSENT,
            notices=[
                *[(code, message) for code in self.absent],
                (
                    SUPERVISORS,
                    f"Joint meeting on ticket {self.start.ticket_no}: "
                    f"{', '.join(self.absent)} did not report in by {due}",
                ),
            ],
            absent=self.absent,
            due=due,
        )
        update.absent = list(self.absent)
        await tell_ticket(self.start.ticket_no, update)

    async def _undecided(self) -> None:
        self.outcome = EscalationOutcome.NO_DECISION
        due = self.start.decide_by.isoformat()
        await tell_ticket(
            self.start.ticket_no,
            news(
                self.start.number,
                "timer:joint_meeting_decision",
                TimelineAction.JOINT_MEETING_UNDECIDED,
                outcome=EscalationOutcome.NO_DECISION,
                notices=[
                    (
                        SUPERVISORS,
                        f"Joint meeting on ticket {self.start.ticket_no} reached no decision "
                        f"by {due}",
                    )
                ],
                due=due,
                reported=sorted(self.reported),
                absent=[d for d in self.start.departments if d not in self.reported],
            ),
        )

    # -- helpers -----------------------------------------------------------------

    def _all_reported(self) -> bool:
        return all(code in self.reported for code in self.start.departments)

    def _check_open(self, action: str) -> None:
        if self.outcome is not EscalationOutcome.OPEN:
            refuse(
                RefusalType.INVALID_STATE,
                f"{self.start.workflow_id} is '{self.outcome}'; it is too late to {action}",
                Reason.MEETING_CLOSED,
            )

    def view(self) -> JointMeetingView:
        s = self.start
        return JointMeetingView(
            workflow_id=s.workflow_id,
            ticket_no=s.ticket_no,
            departments=list(s.departments),
            agenda=s.agenda,
            report_in_by=s.report_in_by,
            decide_by=s.decide_by,
            reported=dict(self.reported),
            absent=list(self.absent),
            decision=self.decision,
            outcome=self.outcome,
        )

    def _shown(self) -> JointMeetingView:
        """The view, after telling the Temporal UI where the meeting stands (its current
        details: not in history, no personal data)."""
        workflow.set_current_details(self._details())
        return self.view()

    def _details(self) -> str:
        if self.outcome is EscalationOutcome.DECIDED:
            return "联席会议 · 已作出决定"
        if self.outcome is EscalationOutcome.NO_DECISION:
            return "联席会议 · 逾期未作决定"
        if self.outcome is EscalationOutcome.CANCELLED:
            return "联席会议 · 工单已办结，会议取消"
        waiting = "待决定" if self.absent else "待报到"
        return f"联席会议 · {waiting} · 已报到 {len(self.reported)}/{len(self.start.departments)}"
