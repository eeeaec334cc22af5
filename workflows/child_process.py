"""The actions on a ticket's children, in the process table's vocabulary.

A joint meeting (联席会议) and a discipline referral (纪委监委) are child workflows of the
ticket (``workflows.joint_meeting``, ``workflows.discipline_referral``); people act on
them through the ticket. For each action: its name, who may take it, the kind of child
it acts on, the child's update and its body. The children's validators check the role
from here (``check_child_role``); the API's routes and the workbench's forms are made
from the same rows. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from schema.escalation import (
    EscalationKind,
    MeetingDecisionBody,
    MeetingReportBody,
    ReferralAcknowledgeBody,
    ReferralOutcomeBody,
)
from schema.ticket import Actor, Role
from workflows.refusals import Reason, RefusalType, refuse


@dataclass(frozen=True)
class ChildStep:
    action: str  # the API's name for it (idempotency keys, outcome look-ups)
    path: str  # POST /v1/tickets/{ticket_no}/{path}
    name_zh: str
    kind: EscalationKind
    roles: frozenset[Role]
    update: str  # the child's update (its name is in every history: never rename it)
    body: type[BaseModel]
    summary: str
    refusal: str  # what a caller of another role hears
    # Several may be open on one ticket (one per department referred): the caller may name
    # the department in the query.
    by_department: bool = False


MEETING, REFERRAL = EscalationKind.JOINT_MEETING, EscalationKind.DISCIPLINE_REFERRAL

CHILD_PROCESS: tuple[ChildStep, ...] = (
    ChildStep(
        "joint-meeting-report",
        "joint-meeting/report",
        "报到",
        MEETING,
        frozenset({Role.DEPARTMENT}),
        "report_in",
        MeetingReportBody,
        "A summoned department reports in to the open joint meeting (报到)",
        "only a summoned department reports in",
    ),
    ChildStep(
        "joint-meeting-decision",
        "joint-meeting/decision",
        "会议决定",
        MEETING,
        frozenset({Role.SUPERVISOR}),
        "decide",
        MeetingDecisionBody,
        "The meeting's decision: lead, assisting departments and plan; the ticket "
        "re-dispatches to the lead",
        "a supervisor records the meeting's decision",
    ),
    ChildStep(
        "discipline-acknowledge",
        "discipline-referral/acknowledge",
        "纪委签收",
        REFERRAL,
        frozenset({Role.DISCIPLINE}),
        "acknowledge",
        ReferralAcknowledgeBody,
        "The discipline commission acknowledges a referral",
        "only the discipline commission acts on a referral",
        by_department=True,
    ),
    ChildStep(
        "discipline-outcome",
        "discipline-referral/outcome",
        "处理结果",
        REFERRAL,
        frozenset({Role.DISCIPLINE}),
        "record_outcome",
        ReferralOutcomeBody,
        "The commission's outcome: no_fault, summons (约谈), criticism (通报批评) or "
        "accountability (问责), with the officials named",
        "only the discipline commission acts on a referral",
        by_department=True,
    ),
)

CHILD_BY_ACTION = {row.action: row for row in CHILD_PROCESS}


def check_child_role(action: str, actor: Actor) -> None:
    row = CHILD_BY_ACTION[action]
    if actor.role not in row.roles:
        refuse(RefusalType.FORBIDDEN, row.refusal, Reason.CHILD_ROLE, action=action)
