"""Actions on a ticket's joint meeting and discipline referral (its child workflows).

The read model says which child is open; the child's own validators decide whether the
action is allowed (403 wrong role or department, 409 too late), as for ticket actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from schema.escalation import EscalationKind, JointMeetingView, ReferralView
from schema.ticket import Actor, Role
from services.actions import Announce
from services.context import AppContext
from services.errors import ServiceError, forbidden, not_found
from services.escalation_queries import open_child
from services.idempotency import identify_action
from services.prechecks import PRECHECKS, Precheck
from services.ticket_queries import stored_ticket
from services.tickets import check_department_sees
from workflows.child_process import CHILD_PROCESS, ChildStep
from workflows.discipline_referral import DisciplineReferralWorkflow
from workflows.joint_meeting import JointMeetingWorkflow


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
            await check_department_sees(context, actor, ticket)
        raise ServiceError(409, "invalid_state", f"ticket {ticket_no} has no open {what}")
    if len(found) > 1:
        departments = ", ".join(sorted(r.department or "" for r in found))
        raise ServiceError(
            409,
            "ambiguous",
            f"ticket {ticket_no} has several open {what}s ({departments}); name the 'department'",
        )
    workflow_id = found[0].workflow_id
    assert workflow_id is not None  # children are always recorded with their id
    return workflow_id


@dataclass(frozen=True)
class ChildAction:
    """A row of the children's process table with what the API adds: the update to call,
    the view it answers, the precheck against the read model."""

    step: ChildStep
    update: Any
    view: type[BaseModel]
    precheck: Precheck | None = None

    @property
    def name(self) -> str:
        return self.step.action

    @property
    def kind(self) -> EscalationKind:
        return self.step.kind

    @property
    def roles(self) -> frozenset[Role]:
        return self.step.roles

    @property
    def body(self) -> type[BaseModel]:
        return self.step.body


CHILD_WORKFLOWS: dict[EscalationKind, tuple[type, type[BaseModel]]] = {
    EscalationKind.JOINT_MEETING: (JointMeetingWorkflow, JointMeetingView),
    EscalationKind.DISCIPLINE_REFERRAL: (DisciplineReferralWorkflow, ReferralView),
}


def _child_action(step: ChildStep) -> ChildAction:
    workflow_class, view = CHILD_WORKFLOWS[step.kind]
    update = getattr(workflow_class, step.update)
    return ChildAction(step, update, view, PRECHECKS.get(step.action))


CHILD_ACTIONS = {step.action: _child_action(step) for step in CHILD_PROCESS}


async def run_child_action(
    context: AppContext,
    action: ChildAction,
    ticket_no: str,
    actor: Actor,
    body: BaseModel,
    idempotency_key: str | None,
    department: str | None = None,
    announce: Announce | None = None,
) -> Any:
    """One child action, as the API and the workbench both run it."""
    if actor.role not in action.roles:
        roles = ", ".join(role.value for role in action.roles)
        raise forbidden(f"'{action.name}' is for role {roles}")
    if action.precheck is not None:
        await action.precheck(context, ticket_no, body, actor)
    workflow_id = await _open_child_id(context, ticket_no, action.kind, department, actor)
    ref = await identify_action(context, actor, ticket_no, action.name, body, idempotency_key)
    if announce is not None:
        announce(ref.action_id)
    return await context.tickets.act_on_child(
        ticket_no, workflow_id, action.update, actor, body, ref
    )
