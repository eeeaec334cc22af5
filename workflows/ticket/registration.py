"""受理: a new ticket's registration, and the calendar a continued run records anew."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio import workflow

from schema.activity_io import RegistrationQuery, WorkingDaysQuery
from schema.escalation import EscalationNews, LateEscalationNews
from schema.ticket import ReopenLink, TimelineAction
from schema.working_days import SHEET_DAYS
from workflows import activity_calls as calls
from workflows.ticket import handling, legacy
from workflows.ticket.deadlines import DueFn, due_for
from workflows.ticket.legacy import register_once_deadlines_in_workflow as before_registration
from workflows.ticket.outcome import SYSTEM
from workflows.ticket.state import TicketState


async def register(s: TicketState) -> None:
    """The policy, the route and the calendar; then the first dispatch, or a wait for one."""
    if legacy.patched(s, before_registration.PATCH):
        # From the day before: in a time zone west of UTC the local day starts earlier.
        on = (s.created_at - timedelta(days=1)).date()
        registration = await calls.register_ticket(
            RegistrationQuery(category=s.intake.category, district=s.intake.district, on=on)
        )
    else:
        registration = await before_registration.register(s)
    s.policy, s.working_days = registration.policy, registration.working_days
    s.features = list(registration.features)
    s.category_chain = list(registration.category_chain)
    intake = s.intake
    s.log(
        s.created_at,
        s.created_by,
        TimelineAction.RECEIVED,
        channel=intake.channel,
        type=intake.type,
        category=intake.category,
        urgency=intake.urgency,
        district=intake.district,
        enterprise=intake.enterprise,
        policy=s.policy.name,
        **({"police_incident_no": intake.police_incident_no} if intake.police_incident_no else {}),
        **({"reopens": s.reopened.ticket_no} if s.reopened else {}),
        **(
            {"attachments": [a.model_dump(mode="json") for a in intake.attachments]}
            if intake.attachments
            else {}
        ),
    )
    now, route, due = workflow.now(), registration.route, due_for(s)
    if s.reopened is not None:
        await reopen(s, now, s.reopened, due)
    elif route is None:
        await handling.await_manual_dispatch(s, now, due)
    else:
        note = "routed by the dispatch catalogue"
        detail = {"rule_id": route.rule_id, "fallback": route.fallback}
        await handling.dispatch_to(s, now, SYSTEM, route.lead, route.assisting, note, due, **detail)


async def reopen(s: TicketState, now: datetime, reopened: ReopenLink, due: DueFn) -> None:
    """A repeat request: to the closed ticket's lead (an agent dispatches when it had none),
    and the closed ticket's timeline gets the link (its workflow has ended: the read model
    takes it directly)."""
    if reopened.lead is not None:
        note = f"reopens {reopened.ticket_no}: to the lead that closed it"
        await handling.dispatch_to(s, now, SYSTEM, reopened.lead, [], note, due)
    else:
        await handling.await_manual_dispatch(s, now, due)
    link = EscalationNews(
        escalation_number=0,  # no rung: a note on the closed ticket
        actor=SYSTEM,
        action=TimelineAction.REOPENED_AS,
        detail={"ticket": s.ticket_no},
        at=now,
    )
    await calls.record_late_escalation_news(
        LateEscalationNews(ticket_no=reopened.ticket_no, news=link)
    )


async def refresh_working_days(s: TicketState) -> None:
    """A new run records the calendar anew: a year published since is then counted."""
    if s.working_days is None:  # registered before deadlines were computed in the workflow
        return
    today = workflow.now().date() - timedelta(days=1)
    s.working_days = await calls.record_working_days(
        WorkingDaysQuery(
            calendar=s.require_policy().calendar,
            first=min(s.working_days.first, today),
            last=today + timedelta(days=SHEET_DAYS),
        )
    )
