"""Actions on a ticket's joint meeting and discipline referral (its child workflows).

The read model says which child is open; the child's own validators decide whether the
action is allowed (403 wrong role or department, 409 too late), as for ticket actions.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from api.deps import AppContext, ContextDep, require_roles
from api.errors import ApiError, forbidden, not_found
from api.escalation_queries import open_child
from api.routes.actions import (
    IdempotencyKey,
    Precheck,
    identify_action,
    lead_and_assisting_exist,
)
from api.routes.tickets import TicketNo, check_department_sees
from api.ticket_queries import stored_ticket
from schema.escalation import (
    EscalationKind,
    JointMeetingView,
    MeetingDecisionBody,
    MeetingReportBody,
    ReferralAcknowledgeBody,
    ReferralOutcomeBody,
    ReferralView,
)
from schema.ticket import Actor, Role
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.joint_meeting import JointMeetingWorkflow

router = APIRouter(prefix="/v1/tickets", tags=["escalation actions"])


async def _open_child_id(
    context: AppContext,
    ticket_no: str,
    kind: EscalationKind,
    department: str | None = None,
    actor: Actor | None = None,
) -> str:
    async with context.sessions() as session:
        ticket = await stored_ticket(session, ticket_no)
        if ticket is None:
            raise not_found(ticket_no)
        found = await open_child(session, ticket_no, kind, department)
    what = kind.value.replace("_", " ")
    if not found:
        # Who asks comes before when: a department with no part in the ticket is refused
        # as such (403), whether or not a meeting happens to be open.
        if actor is not None:
            check_department_sees(actor, ticket)
        raise ApiError(409, "invalid_state", f"ticket {ticket_no} has no open {what}")
    if len(found) > 1:
        departments = ", ".join(sorted(r.department or "" for r in found))
        raise ApiError(
            409,
            "ambiguous",
            f"ticket {ticket_no} has several open {what}s ({departments}); name the 'department'",
        )
    workflow_id = found[0].workflow_id
    assert workflow_id is not None  # children are always recorded with their id
    return workflow_id


@dataclass(frozen=True)
class ChildAction:
    """An action on a ticket's open joint meeting or discipline referral: who may take it
    (the child's validators check again), its body, and the child's update."""

    name: str
    kind: EscalationKind
    roles: tuple[Role, ...]
    body: type[BaseModel]
    update: Any
    summary: str
    precheck: Precheck | None = None


CHILD_ACTIONS = {
    action.name: action
    for action in (
        ChildAction(
            "joint-meeting-report",
            EscalationKind.JOINT_MEETING,
            (Role.DEPARTMENT,),
            MeetingReportBody,
            JointMeetingWorkflow.report_in,
            "A summoned department reports in to the open joint meeting (报到)",
        ),
        ChildAction(
            "joint-meeting-decision",
            EscalationKind.JOINT_MEETING,
            (Role.SUPERVISOR,),
            MeetingDecisionBody,
            JointMeetingWorkflow.decide,
            "The meeting's decision: lead, assisting departments and plan; the ticket "
            "re-dispatches to the lead",
            lead_and_assisting_exist,
        ),
        ChildAction(
            "discipline-acknowledge",
            EscalationKind.DISCIPLINE_REFERRAL,
            (Role.DISCIPLINE,),
            ReferralAcknowledgeBody,
            DisciplineReferralWorkflow.acknowledge,
            "The discipline commission acknowledges a referral",
        ),
        ChildAction(
            "discipline-outcome",
            EscalationKind.DISCIPLINE_REFERRAL,
            (Role.DISCIPLINE,),
            ReferralOutcomeBody,
            DisciplineReferralWorkflow.record_outcome,
            "The commission's outcome: no_fault, summons (约谈), criticism (通报批评) or "
            "accountability (问责), with the officials named",
        ),
    )
}


async def run_child_action(
    context: AppContext,
    action: ChildAction,
    ticket_no: str,
    actor: Actor,
    body: BaseModel,
    idempotency_key: str | None,
    request: Request,
    department: str | None = None,
) -> Any:
    """One child action, as the API and the workbench both run it."""
    if actor.role not in action.roles:
        roles = ", ".join(role.value for role in action.roles)
        raise forbidden(f"'{action.name}' is for role {roles}")
    if action.precheck is not None:
        await action.precheck(context, ticket_no, body, actor)
    workflow_id = await _open_child_id(context, ticket_no, action.kind, department, actor)
    ref = await identify_action(
        context, actor, ticket_no, action.name, body, idempotency_key, request
    )
    return await context.tickets.act_on_child(
        ticket_no, workflow_id, action.update, actor, body, ref
    )


@router.post(
    "/{ticket_no}/joint-meeting/report",
    response_model=JointMeetingView,
    summary=CHILD_ACTIONS["joint-meeting-report"].summary,
)
async def report_in(
    ticket_no: TicketNo,
    actor: Annotated[Actor, Depends(require_roles([Role.DEPARTMENT]))],
    context: ContextDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
    body: MeetingReportBody | None = None,
) -> JointMeetingView:
    action = CHILD_ACTIONS["joint-meeting-report"]
    body = body or MeetingReportBody()
    return await run_child_action(context, action, ticket_no, actor, body, idempotency_key, request)


@router.post(
    "/{ticket_no}/joint-meeting/decision",
    response_model=JointMeetingView,
    summary=CHILD_ACTIONS["joint-meeting-decision"].summary,
)
async def decide(
    ticket_no: TicketNo,
    body: MeetingDecisionBody,
    actor: Annotated[Actor, Depends(require_roles([Role.SUPERVISOR]))],
    context: ContextDep,
    request: Request,
    idempotency_key: IdempotencyKey = None,
) -> JointMeetingView:
    action = CHILD_ACTIONS["joint-meeting-decision"]
    return await run_child_action(context, action, ticket_no, actor, body, idempotency_key, request)


@router.post(
    "/{ticket_no}/discipline-referral/acknowledge",
    response_model=ReferralView,
    summary=CHILD_ACTIONS["discipline-acknowledge"].summary,
)
async def acknowledge(
    ticket_no: TicketNo,
    actor: Annotated[Actor, Depends(require_roles([Role.DISCIPLINE]))],
    context: ContextDep,
    request: Request,
    department: str | None = None,
    idempotency_key: IdempotencyKey = None,
    body: ReferralAcknowledgeBody | None = None,
) -> ReferralView:
    action, body = CHILD_ACTIONS["discipline-acknowledge"], body or ReferralAcknowledgeBody()
    return await run_child_action(
        context, action, ticket_no, actor, body, idempotency_key, request, department
    )


@router.post(
    "/{ticket_no}/discipline-referral/outcome",
    response_model=ReferralView,
    summary=CHILD_ACTIONS["discipline-outcome"].summary,
)
async def record_outcome(
    ticket_no: TicketNo,
    body: ReferralOutcomeBody,
    actor: Annotated[Actor, Depends(require_roles([Role.DISCIPLINE]))],
    context: ContextDep,
    request: Request,
    department: str | None = None,
    idempotency_key: IdempotencyKey = None,
) -> ReferralView:
    action = CHILD_ACTIONS["discipline-outcome"]
    return await run_child_action(
        context, action, ticket_no, actor, body, idempotency_key, request, department
    )
